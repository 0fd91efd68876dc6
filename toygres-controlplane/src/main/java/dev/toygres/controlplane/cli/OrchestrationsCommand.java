package dev.toygres.controlplane.cli;

import picocli.CommandLine.Command;

/**
 * {@code toygres orchestrations}: the durable engine's orchestrations. Without a subcommand it
 * lists them, taking the same options as {@code list}.
 */
@Command(
    name = "orchestrations",
    description = "Lists, inspects, cancels and signals orchestrations (default: list).",
    subcommands = {
      OrchestrationListCommand.class,
      OrchestrationGetCommand.class,
      OrchestrationHistoryCommand.class,
      OrchestrationCancelCommand.class,
      OrchestrationRaiseCommand.class
    })
final class OrchestrationsCommand extends OrchestrationPage {}
