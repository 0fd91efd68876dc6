/**
 * The HTTP API (Javalin): one small handler class per resource, the JSON views, authentication and
 * role checks before any route, the audit trail, and the one place where errors become statuses.
 * HTTP statuses exist only in this package. See docs/api.md.
 */
package dev.toygres.controlplane.api;
