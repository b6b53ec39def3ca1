package io.embeddinghub.spark;

import io.embeddinghub.IndexParams;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.Metric;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.AfterWrite;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The options of {@code format("embeddinghub")} reads and writes, of the catalog's TBLPROPERTIES
 * (which take the options that create a space) and of nearest-neighbor joins over a read: declared
 * once, typed, in {@link #ALL} (docs/GUIDE.md's table is generated from it and checked against
 * it), and parsed only here. A bad value is an {@link InvalidInputException} naming the option and
 * the value.
 */
final class SparkOptions {
  static final String PATH = "path";
  static final String SPACE = "space";
  static final String VERSION_AS_OF = "versionAsOf";
  static final String TIMESTAMP_AS_OF = "timestampAsOf";
  static final String DIMENSIONS = "dimensions";
  static final String METRIC = "metric";
  static final String BUCKETS = "buckets";
  static final String TARGET_FILE_BYTES = "targetFileBytes";
  static final String TARGET_FILE_ROWS = "targetFileRows";
  static final String INDEX_M = "index.m";
  static final String INDEX_EF_CONSTRUCTION = "index.efConstruction";
  static final String INDEX_EF = "index.ef";
  static final String DEDUPE = "dedupe";
  static final String INDEX = "index";
  static final String SEARCH_EF = "ef";
  static final String SEARCH_NPROBE = "nprobe";
  static final String SEARCH_TARGET_RECALL = "targetRecall";
  static final String QUERY_PARTITIONS = "queryPartitions";

  private static final SparkOption<String> PATH_OPTION =
      SparkOption.string(PATH, SparkOption.READ_WRITE, "required", "hub root (or, without `space`, the space's own directory)");
  private static final SparkOption<String> SPACE_OPTION = SparkOption.string(SPACE, SparkOption.READ_WRITE, "–", "space name");
  private static final SparkOption<Long> VERSION_AS_OF_OPTION =
      SparkOption.longValue(VERSION_AS_OF, SparkOption.READ, "long", "latest", "read that version")
          .expecting("a version number");
  private static final SparkOption<String> TIMESTAMP_AS_OF_OPTION =
      new SparkOption<>(TIMESTAMP_AS_OF, SparkOption.READ, "instant", "latest",
          "last version at or before an ISO-8601 instant or `yyyy-MM-dd HH:mm:ss` (UTC)", "an instant", v -> v);
  private static final SparkOption<Integer> DIMENSIONS_OPTION =
      SparkOption.integer(DIMENSIONS, SparkOption.CREATE, "int 1 … 65,536", "inferred from the rows",
          "dimensions of a space the write creates; an existing space must have them");
  private static final SparkOption<Metric> METRIC_OPTION =
      new SparkOption<>(METRIC, SparkOption.CREATE, "`l2` / `cosine` / `inner_product`", "`" + Metric.L2.id() + "`",
          "metric of a space the write creates", "a metric", Metric::parse);
  private static final SparkOption<Integer> BUCKETS_OPTION =
      SparkOption.integer(BUCKETS, SparkOption.CREATE, "int 1 … 4096", Integer.toString(SpaceSpec.DEFAULT_BUCKETS),
          "key buckets of a space the write creates");
  private static final SparkOption<Long> TARGET_FILE_BYTES_OPTION =
      SparkOption.longValue(TARGET_FILE_BYTES, SparkOption.CREATE, "long 1 KiB … 16 GiB",
          SpaceSpec.DEFAULT_TARGET_FILE_BYTES + " (" + (SpaceSpec.DEFAULT_TARGET_FILE_BYTES >> 20) + " MiB)",
          "data-file target of a space the write creates");
  private static final SparkOption<Long> TARGET_FILE_ROWS_OPTION =
      SparkOption.longValue(TARGET_FILE_ROWS, SparkOption.CREATE, "long 1 … 2³¹−1", Long.toString(SpaceSpec.DEFAULT_TARGET_FILE_ROWS),
          "data-file target of a space the write creates");
  private static final SparkOption<Integer> INDEX_M_OPTION =
      SparkOption.integer(INDEX_M, SparkOption.CREATE, "int 2 … 512", Integer.toString(IndexParams.DEFAULT.m()),
          "HNSW links per node");
  private static final SparkOption<Integer> INDEX_EF_CONSTRUCTION_OPTION =
      SparkOption.integer(INDEX_EF_CONSTRUCTION, SparkOption.CREATE, "int 1 … 100,000",
          Integer.toString(IndexParams.DEFAULT.efConstruction()), "HNSW build beam");
  private static final SparkOption<Integer> INDEX_EF_OPTION =
      SparkOption.integer(INDEX_EF, SparkOption.CREATE, "int 1 … 100,000", Integer.toString(IndexParams.DEFAULT.ef()),
          "default search beam");
  private static final SparkOption<Boolean> DEDUPE_OPTION =
      SparkOption.bool(DEDUPE, "write", "false",
          "keep the last row of a key repeated within one write, instead of failing naming the keys");
  private static final SparkOption<AfterWrite.Indexing> INDEX_OPTION =
      new SparkOption<>(INDEX, "write", "`auto` / `defer`", "`auto`",
          "`auto`: once the unindexed rows pass `embeddinghub.index.auto.tail-rows`, the write's action indexes them"
              + " (its own version, its time logged apart); `defer`: leave them to `build_index` / `optimize`",
          "auto or defer", SparkOptions::parseIndexing);
  private static final SparkOption<Integer> SEARCH_EF_OPTION =
      SparkOption.integer(SEARCH_EF, SparkOption.KNN_JOIN, "int 0 … 100,000 (0: the space's)", "the space's",
          "search beam of a nearest-neighbor join over this read");
  private static final SparkOption<Integer> SEARCH_NPROBE_OPTION =
      SparkOption.integer(SEARCH_NPROBE, SparkOption.KNN_JOIN, "int 0 … 100,000 (0: automatic)",
          "per build, from its measured routing", "index partitions probed per build");
  private static final SparkOption<Double> SEARCH_TARGET_RECALL_OPTION =
      new SparkOption<>(SEARCH_TARGET_RECALL, SparkOption.KNN_JOIN, "double in (0, 1)", "–",
          "a recall@10 to reach: chooses ef and nprobe from the recall measured at build time",
          "a number in [0, 1)", v -> Double.parseDouble(v.trim()));
  private static final SparkOption<Integer> QUERY_PARTITIONS_OPTION =
      SparkOption.integer(QUERY_PARTITIONS, SparkOption.KNN_JOIN, "int ≥ 0 (0: automatic)", "enough for every core",
          "partitions of the join's queries");

  /** Every option, in the order docs/GUIDE.md lists them. */
  static final List<SparkOption<?>> ALL = List.of(
      PATH_OPTION, SPACE_OPTION, VERSION_AS_OF_OPTION, TIMESTAMP_AS_OF_OPTION, DIMENSIONS_OPTION, METRIC_OPTION,
      BUCKETS_OPTION, TARGET_FILE_BYTES_OPTION, TARGET_FILE_ROWS_OPTION, INDEX_M_OPTION, INDEX_EF_CONSTRUCTION_OPTION,
      INDEX_EF_OPTION, DEDUPE_OPTION, INDEX_OPTION, SEARCH_EF_OPTION, SEARCH_NPROBE_OPTION, SEARCH_TARGET_RECALL_OPTION,
      QUERY_PARTITIONS_OPTION);

  /** docs/GUIDE.md's table of DataFrame options, as the code declares them. */
  static String markdownTable() {
    StringBuilder table = new StringBuilder("| option | used by | type | default | meaning |\n|---|---|---|---|---|\n");
    ALL.forEach(o -> table.append(o.markdownRow()).append('\n'));
    return table.toString();
  }

  private final String hubRoot;
  private final String space;
  private final CaseInsensitiveStringMap options;

  private SparkOptions(String hubRoot, String space, CaseInsensitiveStringMap options) {
    this.hubRoot = hubRoot;
    this.space = space;
    this.options = options;
  }

  static SparkOptions parse(Map<String, String> raw) {
    CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(raw);
    String path = options.get(PATH);
    String space = options.get(SPACE);
    if (path == null || path.isBlank()) {
      throw SparkErrors.missingPath();
    }
    if (space == null || space.isBlank()) {
      String trimmed = path.replaceAll("/+$", "");
      int slash = trimmed.lastIndexOf('/');
      if (slash <= 0) {
        throw SparkErrors.missingSpace(path);
      }
      return new SparkOptions(trimmed.substring(0, slash), trimmed.substring(slash + 1), options);
    }
    return new SparkOptions(path, space, options);
  }

  /** The options of space {@code space} in hub {@code hubRoot} (the catalog's TBLPROPERTIES). */
  static SparkOptions of(String hubRoot, String space, Map<String, String> raw) {
    return new SparkOptions(hubRoot, space, new CaseInsensitiveStringMap(raw));
  }

  String hubRoot() {
    return hubRoot;
  }

  String space() {
    return space;
  }

  CaseInsensitiveStringMap all() {
    return options;
  }

  Long versionAsOf() {
    return VERSION_AS_OF_OPTION.in(options);
  }

  /** A version to read, from SQL's {@code VERSION AS OF}. */
  static long parseVersion(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw badValue(VERSION_AS_OF + " (VERSION AS OF)", value, "a version number");
    }
  }

  String timestampAsOf() {
    return TIMESTAMP_AS_OF_OPTION.in(options);
  }

  boolean dedupe() {
    return DEDUPE_OPTION.in(options, false);
  }

  /** Where the index build that follows a write runs: in its action, or not at all. */
  AfterWrite.Indexing indexing() {
    return INDEX_OPTION.in(options, AfterWrite.Indexing.INLINE);
  }

  private static AfterWrite.Indexing parseIndexing(String value) {
    return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> AfterWrite.Indexing.INLINE;
      case "defer" -> AfterWrite.Indexing.DEFERRED;
      default -> throw new IllegalArgumentException("not auto or defer: " + value);
    };
  }

  Integer dimensions() {
    return DIMENSIONS_OPTION.in(options);
  }

  /** The spec of a space a write creates, with {@code dimensions}. */
  SpaceSpec specFor(int dimensions) {
    SpaceSpec.Builder builder = SpaceSpec.builder(space, dimensions);
    if (options.containsKey(METRIC)) {
      builder.metric(Metric.parse(options.get(METRIC)));
    }
    if (options.containsKey(BUCKETS)) {
      builder.buckets(BUCKETS_OPTION.in(options));
    }
    IndexParams d = IndexParams.DEFAULT;
    builder.indexParams(
        new IndexParams(
            INDEX_M_OPTION.in(options, d.m()), INDEX_EF_CONSTRUCTION_OPTION.in(options, d.efConstruction()),
            INDEX_EF_OPTION.in(options, d.ef())));
    builder.targetFileBytes(TARGET_FILE_BYTES_OPTION.in(options, SpaceSpec.DEFAULT_TARGET_FILE_BYTES));
    builder.targetFileRows(TARGET_FILE_ROWS_OPTION.in(options, SpaceSpec.DEFAULT_TARGET_FILE_ROWS));
    return builder.build();
  }

  /** The search of a nearest-neighbor join whose space was read with these options. */
  static DistributedSearchOptions searchOptions(CaseInsensitiveStringMap relationOptions) {
    Double target = SEARCH_TARGET_RECALL_OPTION.in(relationOptions);
    SearchOptions search =
        target != null
            ? SearchOptions.targetRecall(target)
            : new SearchOptions(
                SEARCH_EF_OPTION.in(relationOptions, 0), false, SEARCH_NPROBE_OPTION.in(relationOptions, 0), 0);
    return new DistributedSearchOptions(search, QUERY_PARTITIONS_OPTION.in(relationOptions, 0));
  }

  /** The error for a value of option {@code key} that is not {@code expected}. */
  static InvalidInputException badValue(String key, String value, String expected) {
    return SparkErrors.badOption(key, value, expected);
  }
}
