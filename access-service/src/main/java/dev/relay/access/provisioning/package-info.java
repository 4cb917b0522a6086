/** Provisioning probed items into their host: channels, the run's group and key, and the managed-resource ledger. */
package dev.relay.access.provisioning;
