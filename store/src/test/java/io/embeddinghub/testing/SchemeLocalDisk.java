package io.embeddinghub.testing;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** The local disk answering to another scheme's paths: what the stand-ins for cloud connectors wrap. */
abstract class SchemeLocalDisk extends RawLocalFileSystem {
  /** The local disk answering to {@code scheme}'s paths. */
  static SchemeLocalDisk serving(String scheme) {
    return new SchemeLocalDisk() {
      @Override
      public String getScheme() {
        return scheme; // a captured value is set before RawLocalFileSystem's constructor asks
      }
    };
  }

  /**
   * The settings that serve {@code scheme}'s paths with {@code fileSystem} (a new instance per
   * lookup, as separate clients have) and {@code FileContext} with {@code forFileContext}.
   */
  static Configuration connectorConf(String scheme, Class<?> fileSystem, Class<?> forFileContext) {
    Configuration conf = new Configuration();
    conf.set("fs." + scheme + ".impl", fileSystem.getName());
    conf.setBoolean("fs." + scheme + ".impl.disable.cache", true);
    conf.set("fs.AbstractFileSystem." + scheme + ".impl", forFileContext.getName());
    return conf;
  }

  /** The scheme served: known before construction, as {@code RawLocalFileSystem}'s constructor already asks for the URI. */
  @Override
  public abstract String getScheme();

  @Override
  public URI getUri() {
    return URI.create(getScheme() + ":///");
  }

  /** Plain statuses: the local ones load permissions through {@code file:} paths only. */
  @Override
  public FileStatus[] listStatus(Path f) throws IOException {
    FileStatus[] local = super.listStatus(f);
    FileStatus[] plain = new FileStatus[local.length];
    for (int i = 0; i < local.length; i++) {
      FileStatus s = local[i];
      plain[i] = new FileStatus(s.getLen(), s.isDirectory(), 1, s.getBlockSize(), s.getModificationTime(), s.getPath());
    }
    return plain;
  }
}
