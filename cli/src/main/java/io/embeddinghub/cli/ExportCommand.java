package io.embeddinghub.cli;

import io.embeddinghub.Space;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true, description = "Write a space's entries to a CSV file (key,f1,f2,...) or a Parquet file (key STRING, embedding ARRAY<FLOAT>).")
final class ExportCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;
  @Parameters(index = "1", paramLabel = "FILE") Path file;
  @Option(names = "--force", description = "overwrite FILE if it exists") boolean force;

  @Override
  public Integer call() throws Exception {
    boolean parquet = ParquetVectors.isParquet(file);
    if (!parquet && !file.getFileName().toString().toLowerCase().endsWith(".csv")) {
      throw new UserException("unsupported export file type (expected .csv or .parquet): " + file);
    }
    if (Files.exists(file) && !force) {
      throw new UserException("file exists (pass --force to overwrite): " + file);
    }
    Space space = hub.open().getSpace(name);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    long rows;
    try (Progress progress = Progress.start(EmbeddingHubCli.onTerminal(spec), "export " + name, space.size(), "rows")) {
      rows = parquet ? writeParquet(space, tmp, progress) : writeCsv(space, tmp, progress);
    } catch (IOException | RuntimeException ex) {
      ParquetVectors.deleteQuietly(tmp);
      throw ex;
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    spec.commandLine().getOut().println("exported " + rows + " rows of '" + name + "' to " + file);
    return 0;
  }

  private static long writeCsv(Space space, Path tmp, Progress progress) throws IOException {
    long rows = 0;
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
      for (Iterator<Map.Entry<String, float[]>> it = space.entries(); it.hasNext(); rows++) {
        Map.Entry<String, float[]> e = it.next();
        if (e.getKey().indexOf(',') >= 0 || e.getKey().indexOf('\n') >= 0 || e.getKey().indexOf('\r') >= 0) {
          throw new UserException("key cannot be written to CSV (contains a comma or line break): '" + e.getKey() + "'");
        }
        w.write(e.getKey());
        w.write(',');
        w.write(Vectors.format(e.getValue()));
        w.newLine();
        progress.step();
      }
    }
    return rows;
  }

  private static long writeParquet(Space space, Path tmp, Progress progress) throws IOException {
    long rows = 0;
    try (ParquetWriter<Group> w = ParquetVectors.writer(tmp)) {
      for (Iterator<Map.Entry<String, float[]>> it = space.entries(); it.hasNext(); rows++) {
        Map.Entry<String, float[]> e = it.next();
        w.write(ParquetVectors.row(e.getKey(), e.getValue()));
        progress.step();
      }
    }
    return rows;
  }
}
