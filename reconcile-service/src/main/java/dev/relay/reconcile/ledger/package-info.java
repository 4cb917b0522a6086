/** reconcile-service's view of the managed-resource ledger, from access-service's events. */
package dev.relay.reconcile.ledger;
