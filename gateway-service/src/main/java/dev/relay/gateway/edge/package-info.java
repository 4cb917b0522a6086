/**
 * The client APIs' front door: {@link dev.relay.gateway.edge.EdgeApiWebFilter} (authenticate, route), {@link
 * dev.relay.gateway.edge.Admission} (the checks before any upstream call), {@link dev.relay.gateway.edge.Dispatch}
 * (rate limit, plan, one translator per attempt, failover), {@link dev.relay.gateway.edge.ResponseWriter} (answers,
 * refusals, streams), {@link dev.relay.gateway.edge.RequestMeter} (one usage event per request) and {@link
 * dev.relay.gateway.edge.Translators} (the one place a (client API × upstream protocol) pair is chosen).
 */
package dev.relay.gateway.edge;
