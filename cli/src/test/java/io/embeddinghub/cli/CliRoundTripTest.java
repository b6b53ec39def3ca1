package io.embeddinghub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliRoundTripTest {
  @TempDir Path dir;

  private String hub() {
    return dir.resolve("hub").toString();
  }

  static Map<String, float[]> randomVectors(int n, int dims, long seed) {
    Random r = new Random(seed);
    Map<String, float[]> model = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[dims];
      for (int d = 0; d < dims; d++) {
        v[d] = r.nextFloat() * 10 - 5;
      }
      model.put("k" + i, v);
    }
    return model;
  }

  static Path writeCsv(Path file, Map<String, float[]> model) throws IOException {
    StringBuilder sb = new StringBuilder();
    model.forEach((k, v) -> {
      sb.append(k);
      for (float f : v) {
        sb.append(',').append(f);
      }
      sb.append('\n');
    });
    Files.writeString(file, sb.toString());
    return file;
  }

  @Test
  void metricsAreTakenInAnyCaseAsTheGuideWritesThem() {
    assertThat(Cli.run("create", "--hub", hub(), "c", "--dims", "2", "--metric", "cosine").exit()).isZero();
    assertThat(Cli.run("create", "--hub", hub(), "d", "--dims", "2", "--metric", "Inner_Product").exit()).isZero();
    assertThat(EmbeddingHub.open(hub()).getSpace("c").spec().metric()).isEqualTo(io.embeddinghub.Metric.COSINE);
    assertThat(EmbeddingHub.open(hub()).getSpace("d").spec().metric()).isEqualTo(io.embeddinghub.Metric.INNER_PRODUCT);
    Cli.Result bad = Cli.run("create", "--hub", hub(), "e", "--dims", "2", "--metric", "manhattan");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("manhattan");
    assertThat(EmbeddingHub.open(hub()).exists("e")).isFalse();
  }

  @Test
  void createListInfoHistory() {
    assertThat(Cli.run("create", "--hub", hub(), "a", "--dims", "3").exit()).isZero();
    assertThat(Cli.run("create", "--hub", hub(), "b", "--dims", "4", "--metric", "COSINE", "--buckets", "2").exit()).isZero();
    Cli.Result list = Cli.run("list", "--hub", hub());
    assertThat(list.out().lines().toList()).containsExactlyInAnyOrder("a", "b");

    Space b = EmbeddingHub.open(hub()).getSpace("b");
    b.set("x", new float[] {1, 2, 3, 4});
    Cli.Result info = Cli.run("info", "--hub", hub(), "b");
    assertThat(info.exit()).isZero();
    assertThat(info.out()).contains("dims: 4", "metric: COSINE", "buckets: 2", "rows: 1",
        "version: " + b.version(), "unindexed rows: 1", "index partitions: 0");
    b.set("y", new float[] {4, 3, 2, 1});
    b.set("x", new float[] {0, 0, 0, 1}); // the first file's row is now overwritten
    long bytes = b.dataFiles().stream().mapToLong(io.embeddinghub.DataFileInfo::sizeBytes).sum();
    assertThat(b.dataFiles()).hasSize(3);
    assertThat(Cli.run("info", "--hub", hub(), "b").out()).contains(
        "data files: 3 (" + bytes + " bytes; target 134217728 bytes or 1000000 rows)",
        "deleted rows in data files: 1", "versions: " + b.history().size());

    Cli.Result history = Cli.run("history", "--hub", hub(), "b");
    assertThat(history.out().lines().skip(1).map(l -> l.split("\t")[0]).toList())
        .containsExactly(b.history().stream().map(v -> Long.toString(v.version())).toArray(String[]::new));
  }

  @Test
  void csvImportThenGetNnExportMatchTheWrittenData() throws IOException {
    Map<String, float[]> model = randomVectors(300, 8, 1);
    Path csv = writeCsv(dir.resolve("in.csv"), model);

    Cli.Result imported = Cli.run("import", "--hub", hub(), "s", csv.toString(), "--dims", "8");
    assertThat(imported.exit()).as(imported.err()).isZero();
    Space space = EmbeddingHub.open(hub()).getSpace("s");
    assertThat(space.size()).isEqualTo(300);

    Cli.Result get = Cli.run("get", "--hub", hub(), "s", "k7", "k299");
    assertThat(get.out().lines().toList()).containsExactly(line("k7", model.get("k7")), line("k299", model.get("k299")));

    // nearest neighbours against brute force written here
    float[] q = model.get("k42");
    List<String> expected = new ArrayList<>(model.keySet());
    expected.remove("k42");
    expected.sort(Comparator.comparingDouble((String k) -> l2(model.get(k), q)).thenComparing(k -> k));
    Cli.Result nn = Cli.run("nn", "--hub", hub(), "s", "--key", "k42", "-k", "5", "--exact");
    assertThat(nn.exit()).as(nn.err()).isZero();
    assertThat(nn.out().lines().map(l -> l.split("\t")[1]).toList()).containsExactlyElementsOf(expected.subList(0, 5));
    Cli.Result byVector = Cli.run("nn", "--hub", hub(), "s", "--vector", Vectors.format(q), "-k", "3");
    assertThat(byVector.out().lines().map(l -> l.split("\t")[1]).toList()).containsExactly("k42", expected.get(0), expected.get(1));

    Path out = dir.resolve("out.csv");
    assertThat(Cli.run("export", "--hub", hub(), "s", out.toString()).exit()).isZero();
    Map<String, String> exported = new TreeMap<>();
    for (String l : Files.readAllLines(out)) {
      exported.put(l.substring(0, l.indexOf(',')), l);
    }
    Map<String, String> want = new TreeMap<>();
    model.forEach((k, v) -> want.put(k, line(k, v)));
    assertThat(exported).isEqualTo(want);
  }

  @Test
  void npyAndFvecsImportWithRowNumbersOrAKeysFile() throws IOException {
    Map<String, float[]> model = randomVectors(50, 5, 2);
    List<float[]> rows = new ArrayList<>(model.values());

    Path npy = dir.resolve("v.npy");
    writeNpy(npy, rows, 5);
    Path keys = Files.write(dir.resolve("keys.txt"), model.keySet());
    assertThat(Cli.run("import", "--hub", hub(), "n", npy.toString(), "--dims", "5", "--keys", keys.toString()).exit()).isZero();

    Path fvecs = dir.resolve("v.fvecs");
    try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(fvecs))) {
      for (float[] v : rows) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(v.length);
        for (float f : v) {
          b.putFloat(f);
        }
        out.write(b.array());
      }
    }
    assertThat(Cli.run("import", "--hub", hub(), "f", fvecs.toString(), "--dims", "5").exit()).isZero();

    EmbeddingHub h = EmbeddingHub.open(hub());
    for (int i = 0; i < rows.size(); i++) {
      String key = "k" + i;
      assertThat(h.getSpace("n").get(key)).containsExactly(model.get(key));
      assertThat(h.getSpace("f").get(Integer.toString(i))).containsExactly(rows.get(i));
    }
    assertThat(h.getSpace("n").size()).isEqualTo(50);
    assertThat(h.getSpace("f").size()).isEqualTo(50);
  }

  static void writeNpy(Path file, List<float[]> rows, int dims) throws IOException {
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows.size() + ", " + dims + "), }";
    int total = 10 + header.length() + 1;
    header = header + " ".repeat((64 - total % 64) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + rows.size() * dims * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.ISO_8859_1));
    for (float[] v : rows) {
      for (float f : v) {
        b.putFloat(f);
      }
    }
    Files.write(file, b.array());
  }

  static String line(String key, float[] v) {
    StringBuilder sb = new StringBuilder(key);
    for (float f : v) {
      sb.append(',').append(Float.toString(f));
    }
    return sb.toString();
  }

  static double l2(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }
}
