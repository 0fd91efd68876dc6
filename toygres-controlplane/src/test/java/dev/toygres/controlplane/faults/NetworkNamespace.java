package dev.toygres.controlplane.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace joined to the host by a veth pair on a private /24 (host {@code 10.231.N.1},
 * namespace {@code 10.231.N.2}), so that a process run inside it is reached over a real link that a
 * route blackhole on the host can cut. Needs root. {@link #close()} removes the route, the link and
 * the namespace, whatever state they are in.
 */
final class NetworkNamespace implements AutoCloseable {
  private final String name;
  private final String hostLink;
  private final String hostAddress;
  private final String namespaceAddress;
  private boolean partitioned;

  private NetworkNamespace(String name, int subnet) {
    this.name = name;
    this.hostLink = name + "h";
    this.hostAddress = "10.231." + subnet + ".1";
    this.namespaceAddress = "10.231." + subnet + ".2";
  }

  /** Creates a namespace {@code tgf<hex>} and its link, up, on a random 10.231.N.0/24. */
  static NetworkNamespace create() throws IOException, InterruptedException {
    String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    NetworkNamespace ns =
        new NetworkNamespace("tgf" + id, ThreadLocalRandom.current().nextInt(1, 250));
    try {
      String peer = ns.name + "n";
      ip("netns", "add", ns.name);
      ip("link", "add", ns.hostLink, "type", "veth", "peer", "name", peer);
      ip("link", "set", peer, "netns", ns.name);
      ip("addr", "add", ns.hostAddress + "/24", "dev", ns.hostLink);
      ip("link", "set", ns.hostLink, "up");
      ip("netns", "exec", ns.name, "ip", "addr", "add", ns.namespaceAddress + "/24", "dev", peer);
      ip("netns", "exec", ns.name, "ip", "link", "set", peer, "up");
      ip("netns", "exec", ns.name, "ip", "link", "set", "lo", "up");
      return ns;
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  /** The address of the namespace's end of the link. */
  String address() {
    return namespaceAddress;
  }

  /** The command prefix that runs a program inside the namespace ({@code ip netns exec} execs). */
  List<String> execPrefix() {
    return List.of("ip", "netns", "exec", name);
  }

  /**
   * Cuts the host off the namespace: a blackhole route to its address, so packets the host sends
   * there are dropped (established connections hang until a timeout; new ones fail).
   */
  void partition() throws IOException, InterruptedException {
    ip("route", "add", "blackhole", namespaceAddress + "/32");
    partitioned = true;
  }

  /** Removes the blackhole route. */
  void heal() throws IOException, InterruptedException {
    ip("route", "del", "blackhole", namespaceAddress + "/32");
    partitioned = false;
  }

  @Override
  public void close() {
    if (partitioned) {
      quietly("route", "del", "blackhole", namespaceAddress + "/32");
    }
    quietly("link", "del", hostLink);
    quietly("netns", "del", name);
  }

  private static void quietly(String... args) {
    try {
      ip(args);
    } catch (IOException | RuntimeException e) {
      System.err.println("cleanup: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void ip(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("ip"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + ": no answer in 30 s");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
    }
  }
}
