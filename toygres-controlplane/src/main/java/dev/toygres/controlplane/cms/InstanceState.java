package dev.toygres.controlplane.cms;

import java.util.Locale;

/** The states of {@code toygres_cms.instance_state}. */
public enum InstanceState {
  CREATING,
  RUNNING,
  STOPPED,
  DELETING,
  DELETED,
  FAILED;

  public String dbName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static InstanceState parse(String s) {
    return valueOf(s.toUpperCase(Locale.ROOT));
  }
}
