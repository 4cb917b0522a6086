/** Import runs: submission (JSON, text, CSV), validation, idempotent replay, duplicates, and the operator's reads. */
package dev.relay.imports.runs;
