/**
 * The usage ledger: {@code relay.usage} consumed in batches into request rows, debits and hourly roll-ups, exactly once
 * per request id; and the retention of raw rows.
 */
package dev.relay.access.accounting.ledger;
