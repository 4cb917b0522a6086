/** Deterministic content: reply text, token counts, tool-call arguments, embeddings, JSON text helpers. */
package dev.relay.simulator.content;
