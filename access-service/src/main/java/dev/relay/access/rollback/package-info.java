/** Rolling runs and items back by the managed-resource ledger, and nothing else. */
package dev.relay.access.rollback;
