/** The hot path: client requests in, upstream calls out; pure request/stream inspection and rewriting. */
package dev.relay.gateway.proxy;
