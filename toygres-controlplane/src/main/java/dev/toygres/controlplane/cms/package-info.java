/**
 * The CMS, schema {@code toygres_cms} in the metadata database: instances and their state machine,
 * events, health checks, API tokens, the audit log, console sessions and settings, with its Flyway
 * migrations. SQL lives next to the code that runs it.
 */
package dev.toygres.controlplane.cms;
