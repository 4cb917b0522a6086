/** Provisions probed items into the edge, keeps the managed-resource ledger and runs the durable confirmation window. */
package dev.relay.access;
