/** Probes upstreams before provisioning: URL normalisation, protocol detection, model discovery, capabilities, failure classification. */
package dev.relay.probe;
