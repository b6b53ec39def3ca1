package io.embeddinghub.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import io.embeddinghub.SpaceSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The JSON layout of log entries and checkpoints (format version {@value #FORMAT_VERSION}; version
 * 2 added index partitions, {@code indexAdd}/{@code indexRemove} and a checkpoint's
 * {@code partitions}, and reads version 1 as having none; version 3 lists the data files an index
 * build covers once, in {@code indexBuild} (a checkpoint's {@code indexBuilds}), and only their
 * number in each partition, and reads version 2's per-partition lists as covering their union),
 * written explicitly field by field so that the on-disk format does not follow Java class
 * shapes. Decoding checks every required field; any problem is an {@link IOException} that the
 * caller turns into a corrupt-file error naming the file.
 */
public final class LogJson {
  public static final int FORMAT_VERSION = 3;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private LogJson() {}

  /**
   * The checksum every entry and checkpoint begins with: the CRC-32 of the file's bytes with the
   * checksum's own eight hex digits written as zeros. A flipped byte anywhere, even one that leaves
   * valid JSON (a key or a path changed), makes the file unreadable rather than wrong. Files
   * written before it existed have none and are read as they are.
   */
  private static final byte[] SEAL_PREFIX = "{\"crc32\":\"".getBytes(StandardCharsets.US_ASCII);

  private static final int SEAL_DIGITS = 8;

  /** A root whose first field is the checksum, to be filled in by {@link #seal}. */
  private static ObjectNode sealedRoot() {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("crc32", "0".repeat(SEAL_DIGITS));
    return root;
  }

  /** The bytes of a {@link #sealedRoot}, its checksum filled in. */
  private static byte[] seal(ObjectNode root) {
    byte[] bytes = write(root);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    byte[] digits = String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, bytes, SEAL_PREFIX.length, SEAL_DIGITS);
    return bytes;
  }

  /** Checks a sealed file's checksum; a file without one (written before it existed) passes. */
  private static void checkSeal(byte[] json) throws IOException {
    if (json.length < SEAL_PREFIX.length + SEAL_DIGITS
        || !Arrays.equals(json, 0, SEAL_PREFIX.length, SEAL_PREFIX, 0, SEAL_PREFIX.length)) {
      return;
    }
    String recorded = new String(json, SEAL_PREFIX.length, SEAL_DIGITS, StandardCharsets.US_ASCII);
    byte[] zeroed = json.clone();
    Arrays.fill(zeroed, SEAL_PREFIX.length, SEAL_PREFIX.length + SEAL_DIGITS, (byte) '0');
    CRC32 crc = new CRC32();
    crc.update(zeroed);
    String actual = String.format("%08x", crc.getValue());
    if (!actual.equals(recorded)) {
      throw new IOException("checksum mismatch: the file records crc32 " + recorded + ", its bytes give " + actual);
    }
  }

  public static byte[] encodeEntry(LogEntry e) {
    ObjectNode root = sealedRoot();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("version", e.version());
    root.put("timestamp", e.timestampMillis());
    root.put("operation", e.operation());
    if (e.metadata() != null) {
      root.set("metadata", encodeMetadata(e.metadata()));
    }
    ArrayNode adds = root.putArray("add");
    e.adds().forEach(f -> adds.add(encodeFile(f)));
    ArrayNode removes = root.putArray("remove");
    e.removes().forEach(removes::add);
    ArrayNode deletes = root.putArray("delete");
    e.deletes().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(d -> deletes.addObject().put("path", d.getKey()).put("positions", d.getValue().encode()));
    ArrayNode indexAdds = root.putArray("indexAdd");
    e.indexAdds().forEach(p -> indexAdds.add(encodePartition(p)));
    ArrayNode indexBuilds = root.putArray("indexBuild");
    e.indexBuilds().forEach(b -> indexBuilds.add(encodeBuild(b)));
    ArrayNode indexRemoves = root.putArray("indexRemove");
    e.indexRemoves().forEach(indexRemoves::add);
    ObjectNode stats = root.putObject("stats");
    stats.put("rowsAdded", e.rowsAdded());
    stats.put("rowsDeleted", e.rowsDeleted());
    stats.put("size", e.size());
    return seal(root);
  }

  public static LogEntry decodeEntry(byte[] json) throws IOException {
    JsonNode root = parse(json);
    long version = requiredLong(root, "version");
    SpaceMetadata metadata = root.has("metadata") ? decodeMetadata(required(root, "metadata")) : null;
    List<DataFile> adds = new ArrayList<>();
    for (JsonNode f : requiredArray(root, "add")) {
      adds.add(decodeFile(f));
    }
    List<String> removes = new ArrayList<>();
    for (JsonNode r : requiredArray(root, "remove")) {
      removes.add(r.asText());
    }
    Map<String, DeletionVector> deletes = new LinkedHashMap<>();
    for (JsonNode d : requiredArray(root, "delete")) {
      deletes.put(requiredText(d, "path"), decodeVector(requiredText(d, "positions")));
    }
    List<IndexPartition> indexAdds = new ArrayList<>();
    Map<String, Set<String>> legacyCoverage = new LinkedHashMap<>();
    for (JsonNode p : optionalArray(root, "indexAdd")) {
      indexAdds.add(decodePartition(p, legacyCoverage));
    }
    List<IndexBuild> indexBuilds = decodeBuilds(root, "indexBuild", legacyCoverage);
    List<String> indexRemoves = new ArrayList<>();
    for (JsonNode r : optionalArray(root, "indexRemove")) {
      indexRemoves.add(r.asText());
    }
    JsonNode stats = required(root, "stats");
    try {
      return new LogEntry(
          version,
          requiredLong(root, "timestamp"),
          requiredText(root, "operation"),
          metadata,
          adds,
          removes,
          deletes,
          indexAdds,
          indexBuilds,
          indexRemoves,
          requiredLong(stats, "rowsAdded"),
          requiredLong(stats, "rowsDeleted"),
          requiredLong(stats, "size"));
    } catch (RuntimeException e) {
      throw new IOException("invalid log entry: " + e.getMessage(), e);
    }
  }

  public static byte[] encodeCheckpoint(SpaceState state) {
    ObjectNode root = sealedRoot();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("checkpoint", true);
    root.put("version", state.version());
    root.put("timestamp", state.timestampMillis());
    root.set("metadata", encodeMetadata(state.metadata()));
    ArrayNode files = root.putArray("files");
    for (LiveFile f : state.files()) {
      ObjectNode node = encodeFile(f.file());
      node.put("deleted", f.deleted().encode());
      files.add(node);
    }
    ArrayNode partitions = root.putArray("partitions");
    state.partitions().forEach(p -> partitions.add(encodePartition(p)));
    ArrayNode builds = root.putArray("indexBuilds");
    state.indexBuilds().forEach(b -> builds.add(encodeBuild(b)));
    return seal(root);
  }

  public static SpaceState decodeCheckpoint(byte[] json) throws IOException {
    JsonNode root = parse(json);
    Map<String, LiveFile> files = new LinkedHashMap<>();
    for (JsonNode node : requiredArray(root, "files")) {
      DataFile file = decodeFile(node);
      files.put(file.path(), new LiveFile(file, decodeVector(requiredText(node, "deleted"))));
    }
    Map<String, IndexPartition> partitions = new LinkedHashMap<>();
    Map<String, Set<String>> legacyCoverage = new LinkedHashMap<>();
    for (JsonNode node : optionalArray(root, "partitions")) {
      IndexPartition p = decodePartition(node, legacyCoverage);
      partitions.put(p.path(), p);
    }
    Map<String, IndexBuild> builds = new LinkedHashMap<>();
    for (IndexBuild b : decodeBuilds(root, "indexBuilds", legacyCoverage)) {
      builds.put(b.id(), b);
    }
    try {
      return new SpaceState(
          decodeMetadata(required(root, "metadata")),
          requiredLong(root, "version"),
          requiredLong(root, "timestamp"),
          files,
          partitions,
          builds);
    } catch (IllegalStateException e) {
      throw new IOException("inconsistent checkpoint: " + e.getMessage(), e);
    }
  }

  private static ObjectNode encodeMetadata(SpaceMetadata m) {
    SpaceSpec spec = m.spec();
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", spec.name());
    node.put("dimensions", spec.dimensions());
    node.put("metric", spec.metric().id());
    node.put("buckets", spec.buckets());
    node.putObject("index")
        .put("m", spec.indexParams().m())
        .put("efConstruction", spec.indexParams().efConstruction())
        .put("ef", spec.indexParams().ef())
        .put("partitionBytes", spec.indexParams().partitionBytes())
        .put("nprobe", spec.indexParams().nprobe());
    node.putObject("files")
        .put("targetBytes", spec.targetFileBytes())
        .put("targetRows", spec.targetFileRows());
    node.put("createdAt", m.createdAtMillis());
    if (m.forkedFrom() != null) {
      node.putObject("forkedFrom")
          .put("space", m.forkedFrom().space())
          .put("version", m.forkedFrom().version());
    }
    return node;
  }

  private static SpaceMetadata decodeMetadata(JsonNode node) throws IOException {
    try {
      JsonNode index = required(node, "index");
      JsonNode files = node.get("files"); // absent in logs written before file targets
      SpaceSpec spec =
          SpaceSpec.builder(requiredText(node, "name"), (int) requiredLong(node, "dimensions"))
              .metric(Metric.parse(requiredText(node, "metric")))
              .buckets((int) requiredLong(node, "buckets"))
              .indexParams(
                  new IndexParams(
                      (int) requiredLong(index, "m"),
                      (int) requiredLong(index, "efConstruction"),
                      (int) requiredLong(index, "ef"),
                      index.has("partitionBytes") ? requiredLong(index, "partitionBytes") : IndexParams.DEFAULT_PARTITION_BYTES,
                      index.has("nprobe") ? (int) requiredLong(index, "nprobe") : IndexParams.DEFAULT_NPROBE))
              .targetFileBytes(files == null ? SpaceSpec.DEFAULT_TARGET_FILE_BYTES : requiredLong(files, "targetBytes"))
              .targetFileRows(files == null ? SpaceSpec.DEFAULT_TARGET_FILE_ROWS : requiredLong(files, "targetRows"))
              .build();
      SpaceMetadata.ForkOrigin origin = null;
      if (node.has("forkedFrom")) {
        JsonNode f = node.get("forkedFrom");
        origin = new SpaceMetadata.ForkOrigin(requiredText(f, "space"), requiredLong(f, "version"));
      }
      return new SpaceMetadata(spec, requiredLong(node, "createdAt"), origin);
    } catch (RuntimeException e) {
      throw new IOException("invalid space metadata: " + e.getMessage(), e);
    }
  }

  private static ObjectNode encodeFile(DataFile f) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("path", f.path());
    node.put("bucket", f.bucket());
    node.put("rows", f.rows());
    node.put("size", f.sizeBytes());
    node.put("minKey", f.minKey());
    node.put("maxKey", f.maxKey());
    if (f.indexPath() != null) {
      node.put("index", f.indexPath());
    }
    if (f.tail() != null) {
      ObjectNode tail = node.putObject("tail");
      tail.put("offset", f.tail().offset());
      tail.put("crc", f.tail().crc());
    }
    return node;
  }

  private static DataFile decodeFile(JsonNode node) throws IOException {
    try {
      return new DataFile(
          requiredText(node, "path"),
          (int) requiredLong(node, "bucket"),
          requiredLong(node, "rows"),
          requiredLong(node, "size"),
          requiredText(node, "minKey"),
          requiredText(node, "maxKey"),
          node.hasNonNull("index") ? node.get("index").asText() : null,
          node.hasNonNull("tail")
              ? new DataFile.Tail(requiredLong(node.get("tail"), "offset"), requiredLong(node.get("tail"), "crc"))
              : null);
    } catch (RuntimeException e) {
      throw new IOException("invalid data file entry: " + e.getMessage(), e);
    }
  }

  private static ObjectNode encodePartition(IndexPartition p) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("path", p.path());
    node.put("build", p.build());
    node.put("rows", p.rows());
    node.put("size", p.sizeBytes());
    node.put("dataFileCount", p.dataFiles());
    if (p.hasCentroid()) {
      node.put("centroid", encodeFloats(p.centroid()));
    }
    if (p.recallAtEf() != null) {
      ArrayNode curve = node.putArray("recallAtEf");
      for (float r : p.recallAtEf()) {
        curve.add(r);
      }
    }
    if (p.recallAtNprobe() != null) {
      ArrayNode curve = node.putArray("recallAtNprobe");
      for (float r : p.recallAtNprobe()) {
        curve.add(r);
      }
    }
    return node;
  }

  /**
   * Decodes a partition. A partition written before builds were recorded once lists its own data
   * files ({@code "dataFiles"}: an array); they are added to {@code legacyCoverage} under its build,
   * whose coverage is their union.
   */
  private static IndexPartition decodePartition(JsonNode node, Map<String, Set<String>> legacyCoverage)
      throws IOException {
    String build = requiredText(node, "build");
    int fileCount;
    if (node.has("dataFiles")) {
      Set<String> covered = legacyCoverage.computeIfAbsent(build, b -> new LinkedHashSet<>());
      fileCount = 0;
      for (JsonNode f : requiredArray(node, "dataFiles")) {
        covered.add(f.asText());
        fileCount++;
      }
    } else {
      fileCount = (int) requiredLong(node, "dataFileCount");
    }
    try {
      return new IndexPartition(
          requiredText(node, "path"),
          build,
          requiredLong(node, "rows"),
          requiredLong(node, "size"),
          fileCount,
          node.hasNonNull("centroid") ? decodeFloats(requiredText(node, "centroid")) : null,
          optionalFloatArray(node, "recallAtEf"),
          optionalFloatArray(node, "recallAtNprobe"));
    } catch (RuntimeException e) {
      throw new IOException("invalid index partition entry: " + e.getMessage(), e);
    }
  }

  private static ObjectNode encodeBuild(IndexBuild b) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", b.id());
    ArrayNode files = node.putArray("dataFiles");
    b.dataFiles().forEach(files::add);
    return node;
  }

  /**
   * The index builds listed under {@code field}, or, in a file written before builds were listed
   * (no such field), the builds made from the legacy partitions' own file lists.
   */
  private static List<IndexBuild> decodeBuilds(JsonNode root, String field, Map<String, Set<String>> legacyCoverage)
      throws IOException {
    List<IndexBuild> builds = new ArrayList<>();
    try {
      if (!root.has(field)) {
        legacyCoverage.forEach((id, files) -> builds.add(new IndexBuild(id, List.copyOf(files))));
        return builds;
      }
      for (JsonNode node : requiredArray(root, field)) {
        List<String> files = new ArrayList<>();
        for (JsonNode f : requiredArray(node, "dataFiles")) {
          files.add(f.asText());
        }
        builds.add(new IndexBuild(requiredText(node, "id"), files));
      }
    } catch (RuntimeException e) {
      throw new IOException("invalid index build entry: " + e.getMessage(), e);
    }
    return builds;
  }

  private static float[] optionalFloatArray(JsonNode node, String field) throws IOException {
    if (!node.hasNonNull(field)) {
      return null;
    }
    List<Float> values = new ArrayList<>();
    for (JsonNode v : requiredArray(node, field)) {
      if (!v.isNumber()) {
        throw new IOException("field '" + field + "' holds a non-number: " + v);
      }
      values.add((float) v.asDouble());
    }
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** Floats as base64 of their big-endian IEEE 754 bytes. */
  private static String encodeFloats(float[] values) {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(4 * values.length);
    buf.asFloatBuffer().put(values);
    return java.util.Base64.getEncoder().encodeToString(buf.array());
  }

  private static float[] decodeFloats(String base64) {
    byte[] bytes = java.util.Base64.getDecoder().decode(base64);
    if (bytes.length % 4 != 0) {
      throw new IllegalArgumentException("centroid is " + bytes.length + " bytes, not a multiple of 4");
    }
    float[] values = new float[bytes.length / 4];
    java.nio.ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
    return values;
  }

  private static DeletionVector decodeVector(String encoded) throws IOException {
    try {
      return DeletionVector.decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid deletion vector: " + e.getMessage(), e);
    }
  }

  private static JsonNode parse(byte[] json) throws IOException {
    checkSeal(json);
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IOException("not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new IOException("not a JSON object");
    }
    long formatVersion = requiredLong(root, "formatVersion");
    if (formatVersion > FORMAT_VERSION) {
      throw new IOException(
          "written in format version " + formatVersion + " by a newer EmbeddingHub; this one reads up to "
              + FORMAT_VERSION);
    }
    return root;
  }

  private static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot encode log JSON", e);
    }
  }

  private static JsonNode required(JsonNode node, String field) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IOException("missing field '" + field + "'");
    }
    return value;
  }

  private static long requiredLong(JsonNode node, String field) throws IOException {
    JsonNode value = required(node, field);
    if (!value.isIntegralNumber()) {
      throw new IOException("field '" + field + "' is not an integer: " + value);
    }
    return value.asLong();
  }

  private static String requiredText(JsonNode node, String field) throws IOException {
    JsonNode value = required(node, field);
    if (!value.isTextual()) {
      throw new IOException("field '" + field + "' is not a string: " + value);
    }
    return value.asText();
  }

  /** An array field that older format versions did not write: empty when absent. */
  private static Iterable<JsonNode> optionalArray(JsonNode node, String field) throws IOException {
    return node.hasNonNull(field) ? requiredArray(node, field) : List.of();
  }

  private static Iterable<JsonNode> requiredArray(JsonNode node, String field) throws IOException {
    JsonNode value = required(node, field);
    if (!value.isArray()) {
      throw new IOException("field '" + field + "' is not an array");
    }
    return value;
  }
}
