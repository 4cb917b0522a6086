/** The immutable in-memory routing snapshot the hot path reads: keys, groups, channels by public model. */
package dev.relay.gateway.routing;
