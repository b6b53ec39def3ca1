package io.embeddinghub.cli;

import io.embeddinghub.Space;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Print KEY,f1,f2,... for each key; exit 1 if one is missing.")
final class GetCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;
  @Parameters(index = "1..*", arity = "1..*", paramLabel = "KEY") List<String> keys;

  @Override
  public Integer call() {
    Space space = hub.open().getSpace(name);
    List<float[]> vectors = space.multiget(keys);
    PrintWriter out = spec.commandLine().getOut();
    for (int i = 0; i < keys.size(); i++) {
      if (vectors.get(i) == null) {
        throw new UserException("key not found in space '" + name + "': '" + keys.get(i) + "'");
      }
    }
    for (int i = 0; i < keys.size(); i++) {
      out.println(keys.get(i) + "," + Vectors.format(vectors.get(i)));
    }
    return 0;
  }
}
