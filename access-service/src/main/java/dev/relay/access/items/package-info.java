/**
 * What every stage of access-service works on, below all of them: the item rows ({@code AccessItems}), the
 * managed-resource ledger ({@code ResourceLedger}) and the kinds of the timers that move an item ({@code ItemTimers}).
 * Provisioning, confirmation, rollback and repair depend on this package; it depends on none of them.
 */
package dev.relay.access.items;
