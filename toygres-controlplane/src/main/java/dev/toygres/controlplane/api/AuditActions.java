package dev.toygres.controlplane.api;

import java.util.List;

/**
 * The stable audit names of state-changing requests, from the method and path alone (requests
 * refused before routing are named the same way as those that reached their route), with the target
 * the path names: an instance, an orchestration or a token. Anything else is named {@code METHOD
 * /path}.
 */
final class AuditActions {
  static final int MAX_PATH = 200;

  private AuditActions() {}

  /** An audit action and the target named in the path (null when the path names none). */
  record Action(String name, String target) {}

  static Action of(String method, String path) {
    List<String> s = ApiPaths.segments(path);
    int n = s.size();
    if (n >= 2 && s.get(0).equals("api")) {
      Action a = api(method, s, n);
      if (a != null) {
        return a;
      }
    }
    if (n == 2 && s.get(0).equals("ui") && method.equals("POST")) {
      if (s.get(1).equals("login")) {
        return new Action("ui.login", null);
      }
      if (s.get(1).equals("logout")) {
        return new Action("ui.logout", null);
      }
    }
    String shown = path.length() <= MAX_PATH ? path : path.substring(0, MAX_PATH) + "...";
    return new Action(method + " " + shown, null);
  }

  private static Action api(String method, List<String> s, int n) {
    String resource = s.get(1);
    boolean post = method.equals("POST");
    boolean delete = method.equals("DELETE");
    switch (resource) {
      case "instances" -> {
        if (n == 2 && post) {
          return new Action("instance.create", null);
        }
        if (n == 3 && delete) {
          return new Action("instance.delete", s.get(2));
        }
        if (n == 4
            && post
            && List.of("stop", "start", "restart", "password", "scale", "switchover")
                .contains(s.get(3))) {
          return new Action("instance." + s.get(3), s.get(2));
        }
        if (n == 4 && post && s.get(3).equals("backups")) {
          return new Action("backup.create", s.get(2));
        }
        if (n == 4 && method.equals("PUT") && s.get(3).equals("backup-policy")) {
          return new Action("backup.policy", s.get(2));
        }
        if (n == 5
            && post
            && s.get(3).equals("actor")
            && List.of("start", "restart", "cancel").contains(s.get(4))) {
          return new Action("actor." + s.get(4), s.get(2));
        }
      }
      case "backups" -> {
        if (n == 3 && delete) {
          return new Action("backup.delete", s.get(2));
        }
      }
      case "actors" -> {
        if (n == 3 && post && s.get(2).equals("recover")) {
          return new Action("actors.recover", null);
        }
      }
      case "orchestrations" -> {
        if (n == 4 && post && s.get(3).equals("cancel")) {
          return new Action("orchestration.cancel", s.get(2));
        }
        if (n == 4 && post && s.get(3).equals("events")) {
          return new Action("orchestration.raise", s.get(2));
        }
      }
      case "tokens" -> {
        if (n == 2 && post) {
          return new Action("token.create", null);
        }
        if (n == 3 && delete) {
          return new Action("token.revoke", s.get(2));
        }
      }
      default -> {
        return null;
      }
    }
    return null;
  }
}
