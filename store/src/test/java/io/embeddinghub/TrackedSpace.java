package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A stored space driven together with a HashMap model: every write goes to both, and the model is
 * recorded at every version the write makes (asserting that each write makes exactly one).
 */
final class TrackedSpace {
  final Space space;
  final Map<String, float[]> model = new HashMap<>();
  /** history.get(v) is the model at version v. */
  final List<Map<String, float[]>> history = new ArrayList<>();

  /** A fresh space (version 0, empty). */
  TrackedSpace(Space space) {
    this(space, Map.of());
  }

  /** A space whose version 0 holds {@code initial} (a fork). */
  TrackedSpace(Space space, Map<String, float[]> initial) {
    this.space = space;
    assertThat(space.version()).isZero();
    model.putAll(Oracles.copy(initial));
    history.add(Oracles.copy(model));
  }

  long version() {
    return history.size() - 1;
  }

  Map<String, float[]> at(long version) {
    return history.get((int) version);
  }

  void set(String key, float[] v) {
    space.set(key, v);
    model.put(key, v.clone());
    committed("set " + key);
  }

  void multiset(Map<String, float[]> batch) {
    space.multiset(batch);
    batch.forEach((k, v) -> model.put(k, v.clone()));
    committed("multiset of " + batch.size());
  }

  void delete(String key) {
    boolean present = model.remove(key) != null;
    assertThat(space.delete(key)).as("delete %s returns whether it was present", key).isEqualTo(present);
    if (present) {
      committed("delete " + key);
    } else {
      assertThat(space.version()).as("deleting absent %s makes no version", key).isEqualTo(version());
    }
  }

  void multidelete(List<String> keys) {
    long present = new LinkedHashSet<>(keys).stream().filter(model::containsKey).count();
    assertThat(space.multidelete(keys)).as("multidelete %s", keys).isEqualTo(present);
    keys.forEach(model::remove);
    if (present > 0) {
      committed("multidelete " + keys);
    }
  }

  void deleteAll() {
    assertThat(model).as("tests only call deleteAll on a non-empty space").isNotEmpty();
    space.deleteAll();
    model.clear();
    committed("deleteAll");
  }

  OptimizeResult optimize() {
    OptimizeResult r = space.optimize();
    if (r.version() != version()) {
      committed("optimize");
    }
    return r;
  }

  IndexResult buildIndex() {
    IndexResult r = space.buildIndex();
    if (r.version() != version()) {
      committed("buildIndex");
    }
    return r;
  }

  private void committed(String what) {
    assertThat(space.version()).as("%s makes exactly one version", what).isEqualTo(version() + 1);
    history.add(Oracles.copy(model));
  }
}
