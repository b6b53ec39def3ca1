package io.embeddinghub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.embeddinghub.EmbeddingHub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs bin/embeddinghub as a real process (class path from this JVM), with and without a terminal. */
class LauncherProcessTest {
  @TempDir Path dir;

  record Proc(int exit, String out, String err) {}

  static Path launcher() {
    Path root = Path.of(System.getProperty("embeddinghub.repo", ".."));
    Path script = root.resolve("bin/embeddinghub");
    assertThat(script).as("launcher").isExecutable();
    return script.toAbsolutePath();
  }

  private Proc run(List<String> command) throws IOException, InterruptedException {
    return run(command, Map.of());
  }

  private Proc run(List<String> command, Map<String, String> extraEnv) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    Map<String, String> env = pb.environment();
    env.remove("JAVA_OPTS");
    env.putAll(extraEnv);
    env.put("EMBEDDINGHUB_CLASSPATH", System.getProperty("java.class.path"));
    env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    env.put("EMBEDDINGHUB_HUB", dir.resolve("hub").toString());
    env.put("TERM", "xterm");
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
    return new Proc(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  private Proc cli(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(launcher().toString());
    command.addAll(List.of(args));
    return run(command);
  }

  private Proc cliWithJavaOpts(String javaOpts, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(launcher().toString());
    command.addAll(List.of(args));
    return run(command, Map.of("JAVA_OPTS", javaOpts));
  }

  private Path bigCsv(int rows) throws IOException {
    Map<String, float[]> model = CliRoundTripTest.randomVectors(rows, 16, 3);
    return CliRoundTripTest.writeCsv(dir.resolve("big.csv"), model);
  }

  @Test
  void launcherRunsTheCommandWithExitCodesAndNoProgressWithoutATerminal() throws Exception {
    Path csv = bigCsv(20_000);
    Proc imported = cli("import", "big", csv.toString(), "--dims", "16");
    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("0 -> 20000 rows");
    assertThat(imported.err()).doesNotContain("import big", "rows/s", "%");
    assertThat(EmbeddingHub.open(dir.resolve("hub").toString()).getSpace("big").size()).isEqualTo(20_000);

    Proc get = cli("get", "big", "k5");
    assertThat(get.exit()).isZero();
    assertThat(get.out().strip()).isEqualTo(Files.readAllLines(csv).get(5));

    Proc missing = cli("get", "nope", "k5");
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.err()).contains("error: ", "nope").doesNotContain("\tat ");

    assertThat(cli("get").exit()).isEqualTo(2);
  }

  /**
   * The JVM prints "WARNING: Using incubator modules: jdk.incubator.vector" on stderr whenever it
   * starts with the Vector API module; the launcher keeps the module (the store's SIMD kernels)
   * and drops that line only: stderr is empty after a successful command, and our errors and the
   * JVM's own still reach it, with their exit codes.
   */
  @Test
  void aSuccessfulCommandPrintsNothingOnStderrAndTheVectorApiIsStillLoaded() throws Exception {
    Proc created = cli("create", "s", "--dims", "3");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.err()).isEmpty();
    Path csv = Files.writeString(dir.resolve("s.csv"), "a,1,0,0\nb,0,1,0\nc,0,0,1\n");
    Proc imported = cli("import", "s", csv.toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.err()).isEmpty();
    Proc nn = cli("nn", "s", "--key", "a", "-k", "2");
    assertThat(nn.exit()).as(nn.err()).isZero();
    assertThat(nn.err()).isEmpty();
    assertThat(nn.out()).contains("b", "c");

    Proc modules = cliWithJavaOpts("--show-module-resolution", "list");
    assertThat(modules.exit()).as(modules.err()).isZero();
    assertThat(modules.out()).as("the JVM resolves the Vector API module").contains("root jdk.incubator.vector");
    assertThat(modules.err()).isEmpty();

    Proc missing = cli("get", "nope", "k5");
    assertThat(missing.exit()).isEqualTo(EmbeddingHubCli.USER_ERROR);
    assertThat(missing.err()).startsWith("error: ").contains("nope").doesNotContain("incubator");

    Proc badJvm = cliWithJavaOpts("-XX:+NoSuchOptionForTheTest", "list");
    assertThat(badJvm.exit()).isEqualTo(1);
    assertThat(badJvm.err()).contains("NoSuchOptionForTheTest", "Could not create the Java Virtual Machine");
  }

  @Test
  void importOnAPseudoTerminalShowsProgress() throws Exception {
    Path script = Path.of("/usr/bin/script");
    assumeTrue(Files.isExecutable(script), "util-linux script(1) not installed");
    Path csv = bigCsv(100_000);
    String command = "'" + launcher() + "' import big '" + csv + "' --dims 16";
    Proc p = run(List.of(script.toString(), "-qfec", command, "/dev/null"));
    assertThat(p.exit()).as(p.out() + p.err()).isZero();
    assertThat(p.out()).contains("import big", "100000 rows", "rows/s", "0 -> 100000 rows");
  }
}
