package io.embeddinghub.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "list", mixinStandardHelpOptions = true, description = "List the hub's spaces, one per line.")
final class ListCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    hub.open().listSpaces().forEach(spec.commandLine().getOut()::println);
    return 0;
  }
}
