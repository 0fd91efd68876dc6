package dev.toygres.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code toygres password NAME}: changes the password of the instance's user (the tenant's, made by
 * create) through the control plane, which keeps it sealed and sets it on the instance's server.
 * The new password is read as for {@code create}, before anything is asked of the server.
 */
@Command(
    name = "password",
    description = {
      "Changes the password of an instance's user (at least 8 characters).",
      "The new password comes from --password-stdin, else env TOYGRES_PASSWORD,",
      "else a prompt on the terminal."
    })
final class PasswordCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The instance.")
  String name;

  @Mixin PasswordOptions password;

  @Override
  public Integer call() {
    String pw = password.read("New password for " + name + " (at least 8 characters): ");
    ApiClient.Response r = api().post(instancePath(name) + "/password", Map.of("password", pw));
    if (json()) {
      return printJson(r);
    }
    JsonNode changed = r.json();
    String user = JsonText.text(changed, "user");
    String instance = Objects.requireNonNullElse(JsonText.text(changed, "instance_name"), name);
    return print(
        "password of "
            + (user == null ? "" : "user " + user + " on ")
            + "instance "
            + instance
            + " changed\n");
  }
}
