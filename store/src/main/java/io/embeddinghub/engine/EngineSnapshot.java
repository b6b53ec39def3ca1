package io.embeddinghub.engine;

import io.embeddinghub.SearchOptions;
import io.embeddinghub.SearchPlan;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.RecallEstimate;
import io.embeddinghub.table.StateReader;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One pinned version of a space: what a distributed read plans against, and what travels to its
 * tasks (it is serializable and immutable), so that every task reads the same version whatever
 * is committed meanwhile.
 *
 * <p>A distributed nearest-neighbor search splits into search units ({@link #searchUnits}): one
 * per index partition and one per key bucket's unindexed files (for exact search, its files). A
 * query visits {@link #probedUnits}; each unit answers with {@link SnapshotReader#nearestInUnit};
 * merging the units' answers by distance, then key, gives the whole search's answer.
 */
public final class EngineSnapshot implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The version's state: metadata, live files with their deletions, index partitions. */
  private final SpaceState state;

  EngineSnapshot(SpaceState state) {
    this.state = Objects.requireNonNull(state, "state");
  }

  /**
   * The space's name.
   *
   * @return the name
   */
  public String space() {
    return state.metadata().spec().name();
  }

  /**
   * The version's number.
   *
   * @return the version
   */
  public long version() {
    return state.version();
  }

  /**
   * When the version was committed.
   *
   * @return milliseconds since the epoch
   */
  public long timestampMillis() {
    return state.timestampMillis();
  }

  /**
   * The space's settings at this version.
   *
   * @return the settings
   */
  public SpaceSpec spec() {
    return state.metadata().spec();
  }

  /**
   * How many live rows the version holds.
   *
   * @return the row count
   */
  public long size() {
    return state.size();
  }

  /**
   * The version's data files holding live rows or not, each with the rows deleted in it.
   *
   * @return the files
   */
  public List<ScanFile> files() {
    List<ScanFile> files = new ArrayList<>(state.files().size());
    for (LiveFile f : state.files()) {
      files.add(new ScanFile(f));
    }
    return files;
  }

  /**
   * A reader of this version through a hub's caches.
   *
   * @param hub the hub, opened in the calling JVM
   * @return the reader
   */
  public SnapshotReader reader(EngineHub hub) {
    Errors.checkNotNull(hub, "hub");
    return new SnapshotReader(hub.context(), state);
  }

  /**
   * How many search units a distributed search of this version splits into.
   *
   * @param options the search's options
   * @return the number of units, at least one per bucket
   */
  public int searchUnits(SearchOptions options) {
    return StateReader.searchUnits(state, options);
  }

  /**
   * Whether at most one search unit answers any query, so that each query's answer comes whole from
   * one task and needs no merge.
   *
   * @param options the search's options
   * @return true when at most one unit answers
   */
  public boolean oneUnitAnswers(SearchOptions options) {
    return StateReader.oneUnitAnswers(state, options);
  }

  /**
   * The unit every query visits (the unindexed files of bucket 0), where a join can keep queries
   * no unit answers.
   *
   * @param options the search's options
   * @return the unit
   */
  public int firstTailUnit(SearchOptions options) {
    return StateReader.firstTailUnit(state, options);
  }

  /**
   * The search units a query visits, ascending: every bucket's unindexed files, and of each index
   * build the partitions its routing picks for {@code query}; with exact search every unit.
   *
   * @param options the search's options
   * @param query the query vector, of the space's dimensions
   * @return the units
   */
  public int[] probedUnits(SearchOptions options, float[] query) {
    return StateReader.probedUnits(state, options, query);
  }

  /**
   * How a search with {@code options} runs on this version: its ef, nprobe and estimated recall.
   *
   * @param options the search's options
   * @return the plan
   */
  public SearchPlan searchPlan(SearchOptions options) {
    return RecallEstimate.plan(state, options);
  }

  /** The state, for the engine package's own classes. */
  SpaceState state() {
    return state;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EngineSnapshot that && space().equals(that.space()) && version() == that.version();
  }

  @Override
  public int hashCode() {
    return space().hashCode() * 31 + Long.hashCode(version());
  }

  @Override
  public String toString() {
    return space() + "@v" + version();
  }
}
