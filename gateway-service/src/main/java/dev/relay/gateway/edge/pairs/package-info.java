/**
 * One {@link dev.relay.gateway.edge.pairs.Translator} per (client API × upstream protocol) pair — request, buffered
 * answer, stream and what was dropped — each a thin composition of the pure translations in {@code
 * dev.relay.gateway.translate} and the channel adaptations ({@code Adapt}: image fallback, tool emulation, the public
 * model name). {@code dev.relay.gateway.edge.Translators} chooses the pair, in one place that refuses an unsupported
 * one loudly.
 */
package dev.relay.gateway.edge.pairs;
