/**
 * Usage accounting: consumers, balances, subscriptions, the usage ledger built from {@code relay.usage}, and marking
 * keys exhausted on their host (docs/accounting.md).
 */
package dev.relay.access.accounting;
