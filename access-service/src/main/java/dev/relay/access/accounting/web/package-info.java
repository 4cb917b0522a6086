/**
 * The accounting operator API ({@code /api/consumers}, {@code /api/usage}; docs/operator-api.openapi.yaml), reached
 * through the operator front and guarded by the same operator token here.
 */
package dev.relay.access.accounting.web;
