/**
 * The server's configuration ({@link dev.toygres.controlplane.config.ServerConfig}), durations,
 * database URLs and the configuration errors that stop the server with exit code 78. See
 * docs/configuration.md.
 */
package dev.toygres.controlplane.config;
