package io.embeddinghub.reliability;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import io.embeddinghub.testing.SoakWriter;
import io.embeddinghub.VacuumOptions;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The kill suite's writer (a child JVM, killed with SIGKILL at a random moment): runs operations
 * {@code firstId, firstId + 1, ...} of {@link KillOps} on one space, forever. Before each call it
 * appends {@code I <id> <type>} to the ack file, after the call returns {@code A <id>}, each line
 * written and forced to disk before going on (a third of the acknowledgements come up to 100 ms
 * late, so that kills also land between a commit and its acknowledgement). Any exception ends the process with exit code 2.
 *
 * <p>Arguments: hub URI, ack file, seed, first operation id, hub settings ({@link SoakWriter#encodeSettings}).
 */
public final class KillWriter {
  private KillWriter() {}

  public static void main(String[] args) throws Exception {
    String hubUri = args[0];
    long seed = Long.parseLong(args[2]);
    long id = Long.parseLong(args[3]);
    try (FileOutputStream ack = new FileOutputStream(args[1], true)) {
      org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
      SoakWriter.decodeSettings(args[4]).forEach(conf::set);
      Space space = EmbeddingHub.open(hubUri, conf).getSpace(KillOps.SPACE);
      line(ack, "S " + space.version());
      java.util.Random slowAcks = new java.util.Random(seed + id);
      while (true) {
        KillOps.Op op = KillOps.op(seed, id);
        line(ack, "I " + id + " " + op.type());
        run(space, op);
        if (slowAcks.nextInt(3) == 0) {
          Thread.sleep(slowAcks.nextInt(100)); // a slow acknowledgement: widens the window of "landed, not acknowledged"
        }
        line(ack, "A " + id);
        id++;
      }
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(2);
    }
  }

  static void run(Space space, KillOps.Op op) {
    switch (op.type()) {
      case SET -> {
        Map.Entry<String, float[]> e = op.writes().entrySet().iterator().next();
        space.set(e.getKey(), e.getValue());
      }
      case MULTISET -> space.multiset(op.writes());
      case BULK -> space.multiset(op.writes().entrySet().stream().iterator());
      case DELETE -> space.delete(op.deletes().get(0));
      case MULTIDELETE -> space.multidelete(op.deletes());
      case OPTIMIZE -> space.optimize();
      case BUILD_INDEX -> space.buildIndex();
      case VACUUM -> space.vacuum(Duration.ofMillis(op.vacuumRetentionMs()), VacuumOptions.withoutRetentionCheck());
      default -> throw new IllegalStateException(op.type().toString());
    }
  }

  private static void line(FileOutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.getFD().sync();
  }
}
