package io.embeddinghub.cli;

import io.embeddinghub.Space;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "export", mixinStandardHelpOptions = true, description = "Write a space's entries to a CSV file (key,f1,f2,...).")
final class ExportCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;
  @Parameters(index = "1", paramLabel = "FILE") Path file;
  @Option(names = "--force", description = "overwrite FILE if it exists") boolean force;

  @Override
  public Integer call() throws Exception {
    if (!file.getFileName().toString().toLowerCase().endsWith(".csv")) {
      throw new UserException("unsupported export file type (expected .csv): " + file);
    }
    if (Files.exists(file) && !force) {
      throw new UserException("file exists (pass --force to overwrite): " + file);
    }
    Space space = hub.open().getSpace(name);
    long rows = 0;
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Progress progress = Progress.start(EmbeddingHubCli.onTerminal(spec), "export " + name, space.size(), "rows");
        BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8,
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
    } catch (RuntimeException ex) {
      Files.deleteIfExists(tmp);
      throw ex;
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    spec.commandLine().getOut().println("exported " + rows + " rows of '" + name + "' to " + file);
    return 0;
  }
}
