package io.embeddinghub;

import java.util.Comparator;

/**
 * One nearest-neighbor result: a stored key and its distance to the query under the space's
 * {@link Metric}. Results are ordered nearest first, ties broken by key.
 *
 * @param key the stored key
 * @param distance its distance to the query; smaller is nearer
 */
public record Neighbor(String key, float distance) implements Comparable<Neighbor> {
  /** Nearest first, then by key: the order every nearest-neighbor answer is returned in. */
  public static final Comparator<Neighbor> ORDER =
      Comparator.comparingDouble(Neighbor::distance).thenComparing(Neighbor::key);

  @Override
  public int compareTo(Neighbor other) {
    return ORDER.compare(this, other);
  }
}
