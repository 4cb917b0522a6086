/** The host admin REST API under {@code /admin/v1}: token auth, JSON mapping, ETags, idempotent creates, error shape. */
package dev.relay.gateway.admin;
