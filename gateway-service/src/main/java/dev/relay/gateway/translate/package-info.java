/**
 * Pure protocol translators, one per (client API × upstream protocol) pair, plus the channel-side adaptations (tool
 * emulation, image fallback): bytes and records in, bytes and records out; no WebClient, no ServerWebExchange.
 */
package dev.relay.gateway.translate;
