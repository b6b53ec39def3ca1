package io.embeddinghub.cli;

import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VacuumResult;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "vacuum", mixinStandardHelpOptions = true, description = "Delete files no retained version of any space needs.")
final class VacuumCommand implements Callable<Integer> {
  private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

  @Mixin HubOption hub;
  @Spec CommandSpec spec;

  @Option(names = "--retention", defaultValue = "7d", description = "keep versions current within this long: 30s, 15m, 12h, 7d (default ${DEFAULT-VALUE})")
  String retention;

  @Option(names = "--no-retention-check", description = "accept a retention below the hub's minimum (only when nothing else uses the hub)")
  boolean noRetentionCheck;

  @Option(names = "--dry-run", description = "delete nothing; list the files a vacuum would delete now")
  boolean dryRun;

  @Override
  public Integer call() {
    VacuumOptions options = noRetentionCheck ? VacuumOptions.withoutRetentionCheck() : VacuumOptions.DEFAULT;
    VacuumResult r = hub.open().vacuum(parse(retention), dryRun ? options.asDryRun() : options);
    java.io.PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      r.files().forEach(f -> out.println("would delete " + f));
      out.println("dry run: files to delete " + r.filesDeleted() + ", bytes " + r.bytesDeleted()
          + ", versions to expire " + r.versionsExpired());
    } else {
      out.println("files deleted " + r.filesDeleted() + ", bytes deleted " + r.bytesDeleted()
          + ", versions expired " + r.versionsExpired());
    }
    return 0;
  }

  static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new UserException("--retention: expected a number and a unit s, m, h or d (e.g. 7d), got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
