/** Client-facing API shapes: OpenAI error bodies, model lists. */
package dev.relay.gateway.api;
