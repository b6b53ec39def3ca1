package io.embeddinghub.cli;

import io.embeddinghub.Neighbor;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.Space;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "nn", mixinStandardHelpOptions = true, description = "The k nearest neighbors of a stored key or a vector: rank, key, distance (tab-separated).")
final class NnCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;

  static final class Query {
    @Option(names = "--key", required = true, description = "a stored key (left out of its own answer)") String key;
    @Option(names = "--vector", required = true, description = "a vector, e.g. \"1,2,3\"") String vector;
  }

  @ArgGroup(exclusive = true, multiplicity = "1") Query query;

  @Option(names = "-k", defaultValue = "10", description = "neighbors (default ${DEFAULT-VALUE})") int k;
  @Option(names = "--ef", description = "search breadth (default: the space's)") Integer ef;
  @Option(names = "--exact", description = "brute force instead of the index") boolean exact;

  @Override
  public Integer call() {
    if (k < 1) {
      throw new UserException("-k must be at least 1, got " + k);
    }
    SearchOptions options = exact ? SearchOptions.exactSearch()
        : ef != null ? SearchOptions.withEf(ef) : null;
    Space space = hub.open().getSpace(name);
    List<Neighbor> result;
    if (query.key != null) {
      result = options == null ? space.nearestNeighbors(k, query.key) : space.nearestNeighbors(k, query.key, options);
    } else {
      float[] v = Vectors.parse(query.vector, "--vector");
      result = options == null ? space.nearestNeighbors(k, v) : space.nearestNeighbors(k, v, options);
    }
    PrintWriter out = spec.commandLine().getOut();
    int rank = 1;
    for (Neighbor n : result) {
      out.println(rank++ + "\t" + n.key() + "\t" + n.distance());
    }
    return 0;
  }
}
