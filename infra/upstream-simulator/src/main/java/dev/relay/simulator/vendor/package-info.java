/**
 * Vendor base paths: the APIs served under {@code /v1} are also served under the paths vendors put them at
 * ({@code /compatible-mode/v1}, {@code /api/paas/v4}, {@code /anthropic/v1}).
 */
package dev.relay.simulator.vendor;
