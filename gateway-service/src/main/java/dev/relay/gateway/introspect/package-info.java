/** Admin-only introspection: the effective running configuration and a bounded, redacted ring of recent requests. */
package dev.relay.gateway.introspect;
