/** Channel health: cause-keyed cooldowns, auto-disable, failure-rate circuit breaker with half-open trials. */
package dev.relay.gateway.health;
