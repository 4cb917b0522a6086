/** Reconciliation passes: comparing the ledger view with the hosts, findings, repair requests and their answers. */
package dev.relay.reconcile.passes;
