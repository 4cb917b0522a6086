/** Compares the ledger with the live edge: drift detection, repair, and rollback of runs by recorded resources. */
package dev.relay.reconcile;
