package io.embeddinghub.cli;

import io.embeddinghub.OptimizeResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "optimize", mixinStandardHelpOptions = true, description = "Merge each bucket's files, then index the rows left unindexed.")
final class OptimizeCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Override
  public Integer call() {
    OptimizeResult r;
    try (Progress elapsed = Progress.start(EmbeddingHubCli.onTerminal(spec), "optimize " + name, -1, "steps")) {
      r = hub.open().getSpace(name).optimize();
    }
    spec.commandLine().getOut().println("version " + r.version() + ": files removed " + r.filesRemoved()
        + ", files added " + r.filesAdded() + ", rows rewritten " + r.rowsRewritten()
        + ", index partitions built " + r.partitionsBuilt());
    return 0;
  }
}
