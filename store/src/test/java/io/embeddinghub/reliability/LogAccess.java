package io.embeddinghub.reliability;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.log.TransactionLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;

/** Direct access to a space's transaction log, for setting up what a killed process leaves. */
final class LogAccess {
  private LogAccess() {}

  /** Writes the checkpoint of {@code version} (without moving the {@code _last_checkpoint} hint), as an expiry does first. */
  static void writeCheckpoint(EmbeddingHub hub, String space, long version) {
    try {
      TransactionLog log = new TransactionLog(new HadoopFileIO(URI.create(hub.root()), new Configuration()), space);
      log.writeCheckpoint(log.load(version), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
