/**
 * Base backups and point-in-time restore as the control plane sees them (docs/backups.md): the
 * backup orchestration, the scheduler that takes scheduled backups and applies retention, the
 * choice of the backup a restore starts from, and the service behind the API's backup routes.
 */
package dev.toygres.controlplane.backup;
