/** The model list, in OpenAI's or Anthropic's shape depending on the caller. */
package dev.relay.simulator.models;
