package io.embeddinghub.index;

import java.util.Arrays;

/**
 * A binary heap of (float score, int node) pairs with the smallest score on top: primitive arrays,
 * reused across searches (a max-heap is this heap over negated scores).
 */
final class SearchHeap {
  private float[] scores = new float[64];
  private int[] nodes = new int[64];
  private int size;

  void clear() {
    size = 0;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  float topScore() {
    return scores[0];
  }

  int topNode() {
    return nodes[0];
  }

  void push(float score, int node) {
    if (size == scores.length) {
      scores = Arrays.copyOf(scores, size * 2);
      nodes = Arrays.copyOf(nodes, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (scores[parent] <= score) {
        break;
      }
      scores[i] = scores[parent];
      nodes[i] = nodes[parent];
      i = parent;
    }
    scores[i] = score;
    nodes[i] = node;
  }

  /** Removes the top; read it with {@link #topScore()}/{@link #topNode()} first. */
  void pop() {
    int last = --size;
    if (last == 0) {
      return;
    }
    float score = scores[last];
    int node = nodes[last];
    int i = 0;
    int half = last >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      if (child + 1 < last && scores[child + 1] < scores[child]) {
        child++;
      }
      if (score <= scores[child]) {
        break;
      }
      scores[i] = scores[child];
      nodes[i] = nodes[child];
      i = child;
    }
    scores[i] = score;
    nodes[i] = node;
  }
}
