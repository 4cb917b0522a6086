package dev.relay.contracts;

/** Upstream wire protocols. OpenAI-compatible vendors are data (vendor profiles), not protocols. */
public enum Protocol {
    OPENAI,
    ANTHROPIC
}
