/** The durable confirmation window: proving, through the edge and with the run's key, that an item is usable. */
package dev.relay.access.confirmation;
