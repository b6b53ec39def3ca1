package io.embeddinghub.internal;

import io.embeddinghub.Neighbor;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** Keeps the k best neighbors offered, by {@link Neighbor#ORDER} (distance, then key). */
public final class TopK {
  private final int k;
  private final PriorityQueue<Neighbor> heap;

  public TopK(int k) {
    this.k = k;
    this.heap = new PriorityQueue<>(Math.max(1, Math.min(k, 1024)), Neighbor.ORDER.reversed());
  }

  public void offer(String key, float distance) {
    if (k == 0) {
      return;
    }
    if (heap.size() < k) {
      heap.add(new Neighbor(key, distance));
      return;
    }
    Neighbor worst = heap.peek();
    if (distance < worst.distance() || (distance == worst.distance() && key.compareTo(worst.key()) < 0)) {
      heap.poll();
      heap.add(new Neighbor(key, distance));
    }
  }

  /**
   * The exact scan of every search: offers each row of {@code flat} (rows of {@code query.length}
   * values, back to back; row {@code r}'s key is {@code keyOf(r)}) that {@code accept} takes, by
   * its distance under {@code metric}. {@code accept} null takes every row.
   */
  public void offerRows(io.embeddinghub.Metric metric, float[] query, float[] flat, int rows,
      java.util.function.IntFunction<String> keyOf, java.util.function.IntPredicate accept) {
    int dimensions = query.length;
    for (int row = 0; row < rows; row++) {
      if (accept == null || accept.test(row)) {
        offer(keyOf.apply(row), metric.distanceToRow(query, flat, row * dimensions));
      }
    }
  }

  /** Number of neighbors kept so far. */
  public int size() {
    return heap.size();
  }

  /** The neighbors kept, nearest first. */
  public List<Neighbor> result() {
    List<Neighbor> out = new ArrayList<>(heap);
    out.sort(Neighbor.ORDER);
    return out;
  }
}
