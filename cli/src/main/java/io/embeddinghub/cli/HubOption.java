package io.embeddinghub.cli;

import io.embeddinghub.EmbeddingHub;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --hub}, shared by every subcommand; defaults to the environment's EMBEDDINGHUB_HUB. */
final class HubOption {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec mixee;

  @Option(
      names = "--hub",
      paramLabel = "PATH_OR_URI",
      defaultValue = "${env:EMBEDDINGHUB_HUB}",
      description = "hub root: a path or a URI (file:, hdfs:, s3a: ...); default: $EMBEDDINGHUB_HUB")
  String hub;

  EmbeddingHub open() {
    if (hub == null || hub.isBlank()) {
      throw new CommandLine.ParameterException(
          mixee.commandLine(), "Missing hub: pass --hub PATH_OR_URI or set EMBEDDINGHUB_HUB");
    }
    return EmbeddingHub.open(hub);
  }
}
