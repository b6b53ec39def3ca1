package io.embeddinghub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliBadInputTest {
  @TempDir Path dir;
  String hub;
  Map<String, byte[]> before;

  @BeforeEach
  void space() throws IOException {
    hub = dir.resolve("hub").toString();
    Space s = EmbeddingHub.open(hub).createSpace("s", 3);
    s.set("a", new float[] {1, 2, 3});
    before = files();
  }

  private Map<String, byte[]> files() throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir.resolve("hub"))) {
      for (Path p : all.filter(Files::isRegularFile).toList()) {
        m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
      }
    }
    return m;
  }

  private void assertUserError(Cli.Result r, String... messageParts) throws IOException {
    assertThat(r.exit()).as(r.err()).isEqualTo(EmbeddingHubCli.USER_ERROR);
    assertThat(r.err()).startsWith("error: ").contains(messageParts).doesNotContain("\tat ");
    Map<String, byte[]> after = files();
    assertThat(after.keySet()).isEqualTo(before.keySet());
    after.forEach((k, v) -> assertThat(v).as(k).isEqualTo(before.get(k)));
  }

  @Test
  void wrongDimensionsInAFileChangeNothing() throws IOException {
    Path csv = Files.writeString(dir.resolve("bad.csv"), "b,1,2,3\nc,1,2\n");
    assertUserError(Cli.run("import", "--hub", hub, "s", csv.toString()), "dimension");
    assertThat(EmbeddingHub.open(hub).getSpace("s").contains("b")).isFalse();
  }

  @Test
  void unparsableNumberNamesLineAndValue() throws IOException {
    Path csv = Files.writeString(dir.resolve("bad.csv"), "b,1,2,3\nc,1,x2,3\n");
    assertUserError(Cli.run("import", "--hub", hub, "s", csv.toString()), "line 2", "'x2'");
  }

  @Test
  void aHeaderRowIsNamedAsOneAndTheFormatIsGiven() throws IOException {
    Path csv = Files.writeString(dir.resolve("header.csv"), "\nid,x0,x1,x2\nb,1,2,3\n");
    assertUserError(Cli.run("import", "--hub", hub, "s", csv.toString()),
        "header.csv line 2", "'x0'", "looks like a header", "no header row", "key,f1,f2,...");
  }

  @Test
  void aBadNumberAfterTheFirstRowIsNotCalledAHeader() throws IOException {
    Path csv = Files.writeString(dir.resolve("bad.csv"), "b,1,2,3\nid,x0,x1,x2\n");
    Cli.Result r = Cli.run("import", "--hub", hub, "s", csv.toString());
    assertUserError(r, "line 2", "'x0'");
    assertThat(r.err()).doesNotContain("header");
  }

  @Test
  void missingFileSpaceAndKey() throws IOException {
    assertUserError(Cli.run("import", "--hub", hub, "s", dir.resolve("nope.csv").toString()), "nope.csv");
    assertUserError(Cli.run("import", "--hub", hub, "t", dir.resolve("nope.csv").toString(), "--dims", "3"), "nope.csv");
    assertUserError(Cli.run("get", "--hub", hub, "missing", "a"), "missing");
    assertUserError(Cli.run("get", "--hub", hub, "s", "zzz"), "zzz");
    assertUserError(Cli.run("info", "--hub", hub, "missing"), "missing");
  }

  @Test
  void badVectorString() throws IOException {
    assertUserError(Cli.run("nn", "--hub", hub, "s", "--vector", "1,two,3"), "'two'");
    assertUserError(Cli.run("nn", "--hub", hub, "s", "--vector", "1,2"), "dimension");
  }

  @Test
  void usageErrorsExitTwo() {
    Cli.Result r = Cli.run("nn", "--hub", hub, "s", "--key", "a", "--vector", "1,2,3");
    assertThat(r.exit()).isEqualTo(EmbeddingHubCli.USAGE_ERROR);
    assertThat(r.err()).contains("mutually exclusive");
    assertThat(Cli.run("frobnicate").exit()).isEqualTo(EmbeddingHubCli.USAGE_ERROR);
    assertThat(Cli.run("create", "--hub", hub, "x").err()).contains("--dims");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String sub : new String[] {"create", "list", "info", "history", "import", "export", "get", "nn", "optimize", "index", "vacuum", "verify"}) {
      Cli.Result r = Cli.run(sub, "--help");
      assertThat(r.exit()).as(sub).isZero();
      assertThat(r.out()).as(sub).contains("Usage: embeddinghub " + sub, "--hub");
    }
  }
}
