/** The edges reconcile-service compares its ledger view with. */
package dev.relay.reconcile.hosts;
