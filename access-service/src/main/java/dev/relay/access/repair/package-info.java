/** Repairing managed resources from their recorded spec, on reconcile-service's request. */
package dev.relay.access.repair;
