package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code toygres tokens create|list|revoke}: API users (admin tokens only). */
@Command(
    name = "tokens",
    mixinStandardHelpOptions = true,
    description =
        "Creates, lists and revokes API tokens: viewer (reads only), operator (everything but"
            + " tokens) or admin (everything). Needs an admin token.",
    subcommands = {
      TokensCommand.Create.class,
      TokensCommand.Listing.class,
      TokensCommand.Revoke.class
    })
final class TokensCommand implements Runnable {
  static final String SHOWN_ONCE =
      "This is the only time the token is shown: it will not be shown again. Keep it safe.";

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "Missing required subcommand: create, list or revoke");
  }

  @Command(name = "create", description = "Creates a token and prints its secret, once.")
  static final class Create extends ClientCommand {
    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "1 to 63 of a-z, 0-9, '.', '_', '-', starting with a letter or digit.")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "viewer, operator or admin.")
    String role;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("role", role);
      ApiClient.Response r = api().post("/api/tokens", body);
      if (json()) {
        return printJson(r);
      }
      JsonNode t = r.json();
      return print(
          new KeyValues()
                  .add("name", JsonText.text(t, "name"))
                  .add("role", JsonText.text(t, "role"))
                  .add("token", JsonText.text(t, "token"))
                  .render()
              + SHOWN_ONCE
              + "\n");
    }
  }

  @Command(name = "list", description = "Lists the tokens (never their secrets).")
  static final class Listing extends ClientCommand {
    @Override
    public Integer call() {
      ApiClient.Response r = api().get("/api/tokens");
      if (json()) {
        return printJson(r);
      }
      return print(render(r.json(), Instant.now()));
    }

    static String render(JsonNode tokens, Instant now) {
      Table t = new Table("NAME", "ROLE", "CREATED", "CREATED BY");
      for (JsonNode n : tokens) {
        boolean builtin = n.path("builtin").asBoolean(false);
        t.row(
            JsonText.text(n, "name"),
            JsonText.text(n, "role"),
            builtin ? "built-in" : Times.ago(JsonText.text(n, "created_at"), now),
            builtin
                ? "TOYGRES_ADMIN_TOKEN or <data dir>/admin-token"
                : JsonText.text(n, "created_by"));
      }
      return t.render();
    }
  }

  @Command(
      name = "revoke",
      description = "Revokes a token; its requests and console sessions are refused at once.")
  static final class Revoke extends ClientCommand {
    @Parameters(index = "0", paramLabel = "NAME", description = "The token's name.")
    String name;

    @Override
    public Integer call() {
      ApiClient.Response r = api().delete("/api/tokens/" + ApiClient.segment(name));
      if (json()) {
        return printJson(r);
      }
      JsonNode t = r.json();
      return print(
          new KeyValues()
              .add("token", JsonText.text(t, "name"))
              .add("status", JsonText.text(t, "status"))
              .render());
    }
  }
}
