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
