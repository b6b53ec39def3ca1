package io.embeddinghub.spark;

import io.embeddinghub.IndexParams;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.Metric;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.Validation;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The options of {@code format("embeddinghub")} reads and writes (and the catalog's
 * TBLPROPERTIES, which take the options that create a space), each key beside its default, and
 * the one place that parses them: a bad value is an {@link InvalidInputException} naming the
 * option and the value.
 */
final class SparkOptions {
  /** Hub root; or, without {@link #SPACE}, the space's own directory (hub root + "/" + name). */
  static final String PATH = "path";
  /** Space name. */
  static final String SPACE = "space";
  /** Read a version: a number. */
  static final String VERSION_AS_OF = "versionAsOf";
  /** Read the last version at or before a time: ISO-8601 instant or "yyyy-MM-dd HH:mm:ss" (UTC). */
  static final String TIMESTAMP_AS_OF = "timestampAsOf";
  /** Dimensions of a space a write creates; inferred from the rows when absent. */
  static final String DIMENSIONS = "dimensions";
  /** Metric of a space a write creates: l2 (default), cosine, inner_product. */
  static final String METRIC = "metric";
  /** Buckets of a space a write creates. */
  static final String BUCKETS = "buckets";
  /** HNSW parameters of a space a write creates (defaults: {@link io.embeddinghub.IndexParams#DEFAULT}). */
  static final String INDEX_M = "index.m";
  static final String INDEX_EF_CONSTRUCTION = "index.efConstruction";
  static final String INDEX_EF = "index.ef";
  /** Target data-file size of a space a write creates, in bytes (default 128 MiB) and rows (default 1,000,000). */
  static final String TARGET_FILE_BYTES = "targetFileBytes";
  static final String TARGET_FILE_ROWS = "targetFileRows";
  /** Keep the last row of a key repeated within one write instead of failing; default false. */
  static final String DEDUPE = "dedupe";
  /** Of a space read by a nearest-neighbor join: the search's ef; default the space's. */
  static final String SEARCH_EF = "ef";
  /** Of a space read by a nearest-neighbor join: index partitions probed per build; default the space's. */
  static final String SEARCH_NPROBE = "nprobe";
  /** Of a space read by a nearest-neighbor join: a recall@10 to reach (chooses ef and nprobe). */
  static final String SEARCH_TARGET_RECALL = "targetRecall";
  /** Of a space read by a nearest-neighbor join: partitions of its queries; default one task per core. */
  static final String QUERY_PARTITIONS = "queryPartitions";

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
      throw new InvalidInputException(
          "Option 'path' (the hub root) is required: .option(\"path\", \"/data/hub\").option(\"space\", \"name\")");
    }
    if (space == null || space.isBlank()) {
      String trimmed = path.replaceAll("/+$", "");
      int slash = trimmed.lastIndexOf('/');
      if (slash <= 0) {
        throw new InvalidInputException(
            "Option 'space' is required (or load(hubRoot + \"/\" + space)); got path '" + path + "'");
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
    String v = options.get(VERSION_AS_OF);
    return v == null ? null : parseVersion(v);
  }

  /** A version to read, from {@link #VERSION_AS_OF} or SQL's {@code VERSION AS OF}. */
  static long parseVersion(String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw badValue(VERSION_AS_OF + " (VERSION AS OF)", value, "a version number");
    }
  }

  String timestampAsOf() {
    return options.get(TIMESTAMP_AS_OF);
  }

  boolean dedupe() {
    String value = options.get(DEDUPE);
    if (value == null) {
      return false;
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw badValue(DEDUPE, value, "true or false");
    }
  }

  Integer dimensions() {
    String d = options.get(DIMENSIONS);
    return d == null ? null : parseInt(DIMENSIONS, d);
  }

  /** The spec of a space a write creates, with {@code dimensions}. */
  SpaceSpec specFor(int dimensions) {
    SpaceSpec.Builder builder = SpaceSpec.builder(space, dimensions);
    if (options.containsKey(METRIC)) {
      builder.metric(Metric.parse(options.get(METRIC)));
    }
    if (options.containsKey(BUCKETS)) {
      builder.buckets(intOption(BUCKETS, 0));
    }
    IndexParams d = IndexParams.DEFAULT;
    builder.indexParams(
        new IndexParams(
            intOption(INDEX_M, d.m()), intOption(INDEX_EF_CONSTRUCTION, d.efConstruction()), intOption(INDEX_EF, d.ef())));
    builder.targetFileBytes(longOption(TARGET_FILE_BYTES, SpaceSpec.DEFAULT_TARGET_FILE_BYTES));
    builder.targetFileRows(longOption(TARGET_FILE_ROWS, SpaceSpec.DEFAULT_TARGET_FILE_ROWS));
    return builder.build();
  }

  /** The search of a nearest-neighbor join whose space was read with these options. */
  static DistributedSearchOptions searchOptions(CaseInsensitiveStringMap relationOptions) {
    String ef = relationOptions.get(SEARCH_EF);
    String nprobe = relationOptions.get(SEARCH_NPROBE);
    String target = relationOptions.get(SEARCH_TARGET_RECALL);
    String queryPartitions = relationOptions.get(QUERY_PARTITIONS);
    SearchOptions search;
    if (target != null) {
      try {
        search = SearchOptions.targetRecall(Double.parseDouble(target.trim()));
      } catch (NumberFormatException e) {
        throw badValue(SEARCH_TARGET_RECALL, target, "a number in [0, 1)");
      }
    } else {
      search = new SearchOptions(ef == null ? 0 : parseInt(SEARCH_EF, ef), false,
          nprobe == null ? 0 : parseInt(SEARCH_NPROBE, nprobe), 0);
    }
    return new DistributedSearchOptions(search, queryPartitions == null ? 0 : parseInt(QUERY_PARTITIONS, queryPartitions));
  }

  private int intOption(String key, int defaultValue) {
    String value = options.get(key);
    return value == null ? defaultValue : parseInt(key, value);
  }

  private long longOption(String key, long defaultValue) {
    String value = options.get(key);
    if (value == null) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw badValue(key, value, "a number");
    }
  }

  /** An integer option's value, or an error naming the option and the value. */
  static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw badValue(key, value, "a number");
    }
  }

  private static InvalidInputException badValue(String key, String value, String expected) {
    return new InvalidInputException("Option " + key + " must be " + expected + ", got " + Validation.quote(value));
  }
}
