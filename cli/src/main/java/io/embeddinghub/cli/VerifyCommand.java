package io.embeddinghub.cli;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.VerifyResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Check every file a version of a space references, changing nothing: log entries and checkpoints,"
          + " data files (length, Parquet page checksums, row count, key order, key range, bucket) and index"
          + " partitions (header, checksum). Lists each damaged file on stdout.",
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:no damaged file",
      "1:user error (missing space or version)",
      "2:usage error",
      "3:internal error",
      "4:damaged files found (each listed as 'damaged <path> ...')"
    })
final class VerifyCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Option(names = "--at-version", paramLabel = "V", description = "check this retained version (default: the latest)")
  Long version;

  @Option(names = "--all", description = "check every retained version (each file once)")
  boolean all;

  @Override
  public Integer call() {
    VerifyResult r;
    try (Progress elapsed = Progress.start(EmbeddingHubCli.onTerminal(spec), "verify " + name, -1, "steps")) {
      if (all && version != null) {
        throw new ParameterException(spec.commandLine(), "--at-version and --all are mutually exclusive");
      }
      EmbeddingHub h = hub.open();
      if (all) {
        r = h.verifyAll(name);
      } else if (version != null) {
        r = h.verify(name, version);
      } else {
        r = h.verify(name);
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    for (VerifyResult.Problem p : r.problems()) {
      out.println("damaged " + p.path() + " (" + p.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + (p.version() >= 0 ? ", version " + p.version() : "") + "): " + p.message());
    }
    String versions = r.versions().size() == 1 ? "version " + r.versions().get(0)
        : r.versions().size() + " versions (" + r.versions().get(0) + ".." + r.versions().get(r.versions().size() - 1) + ")";
    out.println((r.ok() ? "ok: " : "DAMAGED: ") + versions + ", files checked " + r.filesChecked()
        + ", rows checked " + r.rowsChecked() + ", damaged files " + r.problems().size());
    return r.ok() ? EmbeddingHubCli.OK : EmbeddingHubCli.DAMAGE_FOUND;
  }
}
