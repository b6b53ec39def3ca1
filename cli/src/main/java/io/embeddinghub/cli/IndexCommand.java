package io.embeddinghub.cli;

import io.embeddinghub.IndexResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "index", mixinStandardHelpOptions = true, description = "Build index partitions over the rows writes left unindexed.")
final class IndexCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Override
  public Integer call() {
    IndexResult r = hub.open().getSpace(name).buildIndex();
    spec.commandLine().getOut().println("version " + r.version() + ": index partitions added "
        + r.partitionsAdded() + ", rows indexed " + r.rowsIndexed());
    return 0;
  }
}
