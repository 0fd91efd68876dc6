package dev.toygres.controlplane.actor;

import java.util.UUID;

/** Actor orchestration ids: {@code actor-<k8s name>-<8 hex>}, fresh for every start. */
public final class ActorIds {
  private ActorIds() {}

  public static String fresh(String k8sName, UUID random) {
    return "actor-" + k8sName + "-" + random.toString().substring(0, 8);
  }
}
