/** Operator REST front and run projection: import runs, items, stage history and retry trail. */
package dev.relay.imports;
