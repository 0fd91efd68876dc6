package dev.toygres.controlplane.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** Filters and paging of {@code toygres orchestrations list}. */
final class OrchestrationFilter {
  @Option(
      names = "--status",
      paramLabel = "S",
      split = ",",
      description = "Only these statuses: running, completed, failed, cancelled.")
  List<String> status;

  @Option(names = "--name", paramLabel = "N", description = "Only orchestrations of this name.")
  String name;

  @Option(names = "--prefix", paramLabel = "P", description = "Only ids starting with P.")
  String prefix;

  @Option(names = "--limit", paramLabel = "N", description = "At most N per page.")
  Integer limit;

  @Option(names = "--cursor", paramLabel = "C", description = "The page after this cursor.")
  String cursor;

  String query() {
    return ApiClient.query(
        ApiClient.params(
            "status", status == null || status.isEmpty() ? null : String.join(",", status),
            "name", name,
            "prefix", prefix,
            "limit", limit,
            "cursor", cursor));
  }
}
