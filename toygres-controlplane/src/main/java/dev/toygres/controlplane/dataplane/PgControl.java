package dev.toygres.controlplane.dataplane;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The start of a stopped server's {@code global/pg_control} (ControlFileData in PostgreSQL's {@code
 * src/include/catalog/pg_control.h}, the same layout from 9.3 to 18, little-endian on the hosts we
 * run on): {@code uint64 system_identifier} at 0, {@code uint32 pg_control_version} at 8, {@code
 * uint32 catalog_version_no} at 12, {@code DBState state} (an int) at 16, {@code pg_time_t time} at
 * 24, {@code XLogRecPtr checkPoint} at 32.
 *
 * @param state the cluster state ({@link #SHUT_DOWN} after a clean shutdown of a primary)
 * @param checkpoint the LSN of the last checkpoint record (after a clean shutdown: the shutdown
 *     checkpoint, the last record the server wrote)
 */
record PgControl(int state, long checkpoint) {
  /** {@code DB_SHUTDOWNED}. */
  static final int SHUT_DOWN = 1;

  static PgControl read(Path dataDir) throws IOException {
    byte[] head = new byte[40];
    try (var in = Files.newInputStream(dataDir.resolve("global/pg_control"))) {
      if (in.readNBytes(head, 0, head.length) != head.length) {
        throw new IOException("pg_control is shorter than 40 bytes in " + dataDir);
      }
    }
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    return new PgControl(b.getInt(16), b.getLong(32));
  }

  /** The cluster's system identifier ({@code uint64} at offset 0 of {@code global/pg_control}). */
  static long systemIdentifier(Path dataDir) throws IOException {
    byte[] head = new byte[8];
    try (var in = Files.newInputStream(dataDir.resolve("global/pg_control"))) {
      if (in.readNBytes(head, 0, head.length) != head.length) {
        throw new IOException("pg_control is shorter than 8 bytes in " + dataDir);
      }
    }
    return ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  boolean shutDown() {
    return state == SHUT_DOWN;
  }
}
