/**
 * Where base backups and archived WAL are kept, outliving the instances they were taken of. {@link
 * dev.toygres.controlplane.backupstore.BackupStore} is the interface; {@link
 * dev.toygres.controlplane.backupstore.DirectoryBackupStore} keeps everything in one directory (a
 * local disk or any mounted file system) that a second control plane can read. See docs/backups.md.
 */
package dev.toygres.controlplane.backupstore;
