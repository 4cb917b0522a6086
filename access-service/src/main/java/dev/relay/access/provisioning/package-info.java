/**
 * Provisioning probed items into their host: what the item stream brings ({@code Intake}), the channels, the run's
 * group and key, applied idempotently and recorded in the managed-resource ledger ({@code dev.relay.access.items}).
 */
package dev.relay.access.provisioning;
