package io.embeddinghub.spark;

import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.EngineSpace;
import io.embeddinghub.engine.FileRows;
import io.embeddinghub.engine.ScanFile;
import io.embeddinghub.engine.EngineSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsDeleteV2;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A space as a Spark table: batch reads of a pinned version, appends (upserts), overwrites, and
 * {@code DELETE} by key predicates. Created for a space that may not exist yet when a
 * DataFrame write is about to create it.
 */
final class SparkSpaceTable implements SupportsRead, SupportsWrite, SupportsDeleteV2 {
  private final HubRef hub;
  private final String space;
  private final Map<String, String> options;
  private final Long pinnedVersion;
  private final Instant pinnedTime;

  SparkSpaceTable(HubRef hub, String space, Map<String, String> options, Long pinnedVersion, Instant pinnedTime) {
    this.hub = hub;
    this.space = space;
    this.options = options;
    this.pinnedVersion = pinnedVersion;
    this.pinnedTime = pinnedTime;
  }

  @Override
  public String name() {
    return space;
  }

  @Override
  public StructType schema() {
    return SparkSchemas.TABLE;
  }

  @Override
  public Set<TableCapability> capabilities() {
    // ACCEPT_ANY_SCHEMA: embeddings may arrive as ARRAY<DOUBLE>; SparkWriteBuilder checks types
    return EnumSet.of(
        TableCapability.BATCH_READ, TableCapability.BATCH_WRITE, TableCapability.TRUNCATE,
        TableCapability.ACCEPT_ANY_SCHEMA);
  }

  @Override
  public Map<String, String> properties() {
    Map<String, String> props = new LinkedHashMap<>();
    if (hub.engine().exists(space)) {
      EngineSnapshot state = space().latest();
      SpaceSpec spec = state.spec();
      props.put("dimensions", Integer.toString(spec.dimensions()));
      props.put("metric", spec.metric().id());
      props.put("buckets", Integer.toString(spec.buckets()));
      props.put("version", Long.toString(state.version()));
      props.put("location", hub.root() + "/" + space);
    }
    return props;
  }

  HubRef hub() {
    return hub;
  }

  /** The space's spec, or null when it does not exist (yet). */
  SpaceSpec specIfExists() {
    return hub.engine().exists(space) ? space().spec() : null;
  }

  private EngineSpace space() {
    return hub.engine().space(space);
  }

  /** The version a read sees: from the read options, else the pinned one, else the latest. */
  EngineSnapshot stateFor(CaseInsensitiveStringMap readOptions) {
    Map<String, String> merged = new HashMap<>(options);
    merged.putAll(readOptions);
    merged.putIfAbsent(SparkOptions.PATH, hub.root());
    merged.putIfAbsent(SparkOptions.SPACE, space);
    SparkOptions o = SparkOptions.parse(merged);
    EngineSpace engine = space();
    if (o.versionAsOf() != null && o.timestampAsOf() != null) {
      throw SparkErrors.twoVersionPins();
    }
    if (o.versionAsOf() != null) {
      return engine.at(o.versionAsOf());
    }
    if (o.timestampAsOf() != null) {
      return engine.asOf(Timestamps.parse(o.timestampAsOf()));
    }
    if (pinnedVersion != null) {
      return engine.at(pinnedVersion);
    }
    if (pinnedTime != null) {
      return engine.asOf(pinnedTime);
    }
    return engine.latest();
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap readOptions) {
    return new SparkScanBuilder(hub, stateFor(readOptions));
  }

  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    Map<String, String> merged = new HashMap<>(options);
    merged.putAll(info.options());
    merged.putIfAbsent(SparkOptions.PATH, hub.root());
    merged.putIfAbsent(SparkOptions.SPACE, space);
    SpaceSpec existing = specIfExists();
    return new SparkWriteBuilder(hub, existing, SparkOptions.parse(merged), info);
  }

  @Override
  public boolean canDeleteWhere(Predicate[] predicates) {
    for (Predicate p : predicates) {
      if (!KeyPredicates.understands(p)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void deleteWhere(Predicate[] predicates) {
    KeyPredicates keys = KeyPredicates.none().and(predicates);
    EngineSpace engine = space();
    if (keys.exactKeys() != null) {
      List<String> candidates = new ArrayList<>(keys.exactKeys());
      candidates.removeIf(k -> !keys.matches(k));
      engine.delete(candidates);
      return;
    }
    EngineSnapshot state = engine.latest();
    List<String> matching = new ArrayList<>();
    for (ScanFile f : state.files()) {
      if (!keys.mayMatch(f)) {
        continue;
      }
      FileRows rows = f.readLive(hub.engine(), state.spec().dimensions(), true);
      while (rows.next()) {
        if (keys.matches(rows.key())) {
          matching.add(rows.key());
        }
      }
    }
    engine.delete(matching);
  }

  @Override
  public boolean truncateTable() {
    space().deleteAll();
    return true;
  }

  @Override
  public String toString() {
    return "EmbeddingHub space " + hub.root() + "/" + space;
  }
}
