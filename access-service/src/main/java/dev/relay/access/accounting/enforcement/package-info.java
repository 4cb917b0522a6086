/**
 * Enforcement: which governed keys accounting wants {@code EXHAUSTED}, the durable timers that tell their host on
 * every transition, and the timers that re-judge keys at period ends, subscription starts and expiries.
 */
package dev.relay.access.accounting.enforcement;
