/**
 * Who calls the API: named API tokens with roles (admin, operator, viewer), the built-in admin
 * token, and how a bearer token or a console session becomes a caller. Tokens are stored only as
 * SHA-256 digests. See docs/api.md (roles) and docs/security.md.
 */
package dev.toygres.controlplane.access;
