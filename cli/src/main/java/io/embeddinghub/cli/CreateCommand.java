package io.embeddinghub.cli;

import io.embeddinghub.Metric;
import io.embeddinghub.Space;
import io.embeddinghub.SpaceSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "create", mixinStandardHelpOptions = true, description = "Create a space.")
final class CreateCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Option(names = "--dims", required = true, description = "number of dimensions") int dims;

  @Option(names = "--metric", defaultValue = "L2", description = "one of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE})")
  Metric metric;

  @Option(names = "--buckets", description = "key buckets (default: the store's, 8)") Integer buckets;

  @Override
  public Integer call() {
    Space space = hub.open().createSpace(spec(name, dims, metric, buckets));
    spec.commandLine().getOut().println("created " + space.spec());
    return 0;
  }

  static SpaceSpec spec(String name, int dims, Metric metric, Integer buckets) {
    SpaceSpec.Builder b = SpaceSpec.builder(name, dims).metric(metric);
    if (buckets != null) {
      b.buckets(buckets);
    }
    return b.build();
  }
}
