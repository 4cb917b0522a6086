/**
 * The edge's admin API as the control plane calls it (access-service provisions, repairs and rolls back through it;
 * reconcile-service reads it to find drift). Plain Java HTTP and Jackson, like the rest of the contracts.
 */
package dev.relay.contracts.edge;
