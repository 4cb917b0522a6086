/** The operator front's web layer: operator authentication, RFC 9457 problems, routes to other services' APIs. */
package dev.relay.imports.web;
