/** reconcile-service's operator API ({@code /api/reconcile-runs}), behind the operator token. */
package dev.relay.reconcile.web;
