package dev.toygres.controlplane.cli;

import picocli.CommandLine.Command;

/** {@code toygres orchestrations list}. */
@Command(name = "list", description = "Lists orchestrations, a page at a time.")
final class OrchestrationListCommand extends OrchestrationPage {}
