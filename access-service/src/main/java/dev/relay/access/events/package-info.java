/**
 * access-service's event listener, above the stages it dispatches to (hosts, intake and provisioning, rollback,
 * repair), so that none of them depends on another through it.
 */
package dev.relay.access.events;
