package io.embeddinghub.cli;

import io.embeddinghub.VersionInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "history", mixinStandardHelpOptions = true, description = "The space's retained versions, oldest first (tab-separated).")
final class HistoryCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.println("version\ttimestamp\toperation\trowsAdded\trowsDeleted\tsize");
    for (VersionInfo v : hub.open().getSpace(name).history()) {
      out.println(v.version() + "\t" + v.timestamp() + "\t" + v.operation() + "\t" + v.rowsAdded()
          + "\t" + v.rowsDeleted() + "\t" + v.size());
    }
    return 0;
  }
}
