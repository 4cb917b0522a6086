/** OpenAI-compatible endpoints: chat completions, embeddings and the Responses API. */
package dev.relay.simulator.openai;
