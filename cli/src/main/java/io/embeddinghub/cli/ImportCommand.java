package io.embeddinghub.cli;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Metric;
import io.embeddinghub.Space;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Bulk-load FILE (.csv lines key,f1,f2,... with no header row; .parquet with key and embedding columns; .npy 2-D float32; .fvecs) into a space as one version.")
final class ImportCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;
  @Parameters(index = "1", paramLabel = "FILE") Path file;

  @Option(names = "--keys", paramLabel = "FILE", description = "for .npy/.fvecs: one key per line (default: row numbers 0, 1, ...)")
  Path keys;

  @Option(names = "--create", description = "create the space if it does not exist (needs --dims)") boolean create;
  @Option(names = "--dims", description = "dimensions of a space to create (implies --create)") Integer dims;
  @Option(names = "--metric", defaultValue = "L2", description = "metric of a space to create (default ${DEFAULT-VALUE})") Metric metric;
  @Option(names = "--buckets", description = "buckets of a space to create") Integer buckets;

  @Override
  public Integer call() throws Exception {
    EmbeddingHub h = hub.open();
    if ((create || dims != null) && !h.exists(name)) {
      if (dims == null) {
        throw new UserException("--create needs --dims N for the new space '" + name + "'");
      }
      // read the first entry before creating, so a missing or unreadable file creates nothing
      try (VectorFiles.Source probe = VectorFiles.open(file, keys)) {
        probe.hasNext();
      }
      h.createSpace(CreateCommand.spec(name, dims, metric, buckets));
    }
    Space space = h.getSpace(name);
    long before = space.size();
    try (VectorFiles.Source source = VectorFiles.open(file, keys);
        Progress progress = Progress.start(EmbeddingHubCli.onTerminal(spec), "import " + name, source.expectedRows(), "rows")) {
      space.multiset(progress.counting(source));
    }
    spec.commandLine().getOut().println("imported into '" + name + "' at version " + space.version()
        + ": " + before + " -> " + space.size() + " rows");
    return 0;
  }
}
