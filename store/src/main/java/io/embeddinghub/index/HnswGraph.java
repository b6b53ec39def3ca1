package io.embeddinghub.index;

import java.util.Arrays;

/**
 * An HNSW graph as flat arrays over node ids {@code 0..size-1}: layer 0 in CSR form (offsets and
 * neighbour ids), and for each upper level the ascending ids of the nodes on it with their own
 * CSR adjacency. Immutable; validated on construction, so a graph read from a file can never send
 * a search out of bounds. A graph just built may hold its layer-0 neighbours at the start of a
 * larger array ({@link #withSpareCapacity}: the builder's own, renumbered in place, rather than
 * a copy); only {@code offsets0[size]} of them are links.
 */
public final class HnswGraph {
  private final int size;
  private final int entryPoint;
  private final int[] offsets0;
  private final int[] neighbors0;
  private final int[][] levelNodes;
  private final int[][] levelOffsets;
  private final int[][] levelNeighbors;
  private final int maxDegree0;

  /**
   * @param levelNodes for level {@code l >= 1}, {@code levelNodes[l - 1]} holds its node ids
   *     ascending; {@code levelOffsets[l - 1]} and {@code levelNeighbors[l - 1]} its adjacency
   */
  public HnswGraph(
      int size, int entryPoint, int[] offsets0, int[] neighbors0,
      int[][] levelNodes, int[][] levelOffsets, int[][] levelNeighbors) {
    this(size, entryPoint, offsets0, neighbors0, levelNodes, levelOffsets, levelNeighbors, false);
  }

  private HnswGraph(
      int size, int entryPoint, int[] offsets0, int[] neighbors0,
      int[][] levelNodes, int[][] levelOffsets, int[][] levelNeighbors, boolean spare) {
    this.size = size;
    this.entryPoint = entryPoint;
    this.offsets0 = offsets0;
    this.neighbors0 = neighbors0;
    this.levelNodes = levelNodes;
    this.levelOffsets = levelOffsets;
    this.levelNeighbors = levelNeighbors;
    validate(spare);
    int degree = 0;
    for (int i = 0; i < size; i++) {
      degree = Math.max(degree, offsets0[i + 1] - offsets0[i]);
    }
    this.maxDegree0 = degree;
  }

  /**
   * A graph whose layer-0 neighbours are the first {@code offsets0[size]} ints of
   * {@code neighbors0}, the rest unused (so a builder need not copy its arrays to trim them).
   */
  static HnswGraph withSpareCapacity(
      int size, int entryPoint, int[] offsets0, int[] neighbors0,
      int[][] levelNodes, int[][] levelOffsets, int[][] levelNeighbors) {
    return new HnswGraph(size, entryPoint, offsets0, neighbors0, levelNodes, levelOffsets, levelNeighbors, true);
  }

  /** The graph of no rows. */
  public static HnswGraph empty() {
    return new HnswGraph(0, -1, new int[1], new int[0], new int[0][], new int[0][], new int[0][]);
  }

  private void validate(boolean spare) {
    if (size < 0 || (size == 0 ? entryPoint != -1 : entryPoint < 0 || entryPoint >= size)) {
      throw new IllegalArgumentException("entry point " + entryPoint + " is not a node of a graph of " + size);
    }
    checkCsr("level 0", size, offsets0, neighbors0, spare);
    if (levelNodes.length != levelOffsets.length || levelNodes.length != levelNeighbors.length) {
      throw new IllegalArgumentException("upper level arrays disagree on the number of levels");
    }
    for (int l = 0; l < levelNodes.length; l++) {
      int[] nodes = levelNodes[l];
      for (int i = 0; i < nodes.length; i++) {
        if (nodes[i] < 0 || nodes[i] >= size || (i > 0 && nodes[i] <= nodes[i - 1])) {
          throw new IllegalArgumentException("level " + (l + 1) + " node list is not ascending node ids");
        }
      }
      checkCsr("level " + (l + 1), nodes.length, levelOffsets[l], levelNeighbors[l], false);
    }
    if (size > 0 && maxLevel() > 0 && Arrays.binarySearch(levelNodes[maxLevel() - 1], entryPoint) < 0) {
      throw new IllegalArgumentException("entry point " + entryPoint + " is not on the top level " + maxLevel());
    }
  }

  private void checkCsr(String what, int rows, int[] offsets, int[] neighbors, boolean spare) {
    if (offsets.length != rows + 1 || offsets[0] != 0
        || (spare ? offsets[rows] > neighbors.length : offsets[rows] != neighbors.length)) {
      throw new IllegalArgumentException(what + " adjacency offsets do not match its " + rows + " nodes");
    }
    for (int i = 0; i < rows; i++) {
      if (offsets[i + 1] < offsets[i]) {
        throw new IllegalArgumentException(what + " adjacency offsets decrease at node " + i);
      }
    }
    for (int j = 0, end = offsets[rows]; j < end; j++) {
      int n = neighbors[j];
      if (n < 0 || n >= size) {
        throw new IllegalArgumentException(what + " links to node " + n + ", outside 0.." + (size - 1));
      }
    }
  }

  public int size() {
    return size;
  }

  /** Node where every search starts; -1 for an empty graph. */
  public int entryPoint() {
    return entryPoint;
  }

  /** Highest level (0 when the graph has only layer 0). */
  public int maxLevel() {
    return levelNodes.length;
  }

  /** Largest number of layer-0 links of one node. */
  int maxDegree0() {
    return maxDegree0;
  }

  int[] offsets0() {
    return offsets0;
  }

  /** Layer-0 neighbours: the first {@code offsets0()[size()]} ints (more when built with spare capacity). */
  int[] neighbors0() {
    return neighbors0;
  }

  int[] levelNodes(int level) {
    return levelNodes[level - 1];
  }

  int[] levelOffsets(int level) {
    return levelOffsets[level - 1];
  }

  int[] levelNeighbors(int level) {
    return levelNeighbors[level - 1];
  }

  /** Position of {@code node} in its level's node list, or negative when it is not on it. */
  int slotOnLevel(int node, int level) {
    return Arrays.binarySearch(levelNodes[level - 1], node);
  }

  /** Number of links stored (all levels). */
  public long edges() {
    long edges = offsets0[size];
    for (int[] n : levelNeighbors) {
      edges += n.length;
    }
    return edges;
  }

  /** Approximate heap bytes (spare capacity included). */
  public long memoryBytes() {
    long bytes = 4L * (offsets0.length + neighbors0.length);
    for (int l = 0; l < levelNodes.length; l++) {
      bytes += 4L * (levelNodes[l].length + levelOffsets[l].length + levelNeighbors[l].length);
    }
    return bytes + 64;
  }

  /**
   * The same graph with node {@code newToOld[i]} renamed {@code i} (node ids are local: callers
   * permute their row arrays the same way).
   */
  public HnswGraph renumbered(int[] newToOld) {
    int[] oldToNew = new int[size];
    for (int i = 0; i < size; i++) {
      oldToNew[newToOld[i]] = i;
    }
    int[] off = new int[size + 1];
    int[] nb = new int[offsets0[size]];
    for (int i = 0; i < size; i++) {
      int old = newToOld[i];
      int from = offsets0[old];
      int to = offsets0[old + 1];
      off[i + 1] = off[i] + (to - from);
      for (int j = from; j < to; j++) {
        nb[off[i] + j - from] = oldToNew[neighbors0[j]];
      }
    }
    int levels = levelNodes.length;
    int[][] nodes = new int[levels][];
    int[][] offs = new int[levels][];
    int[][] nbs = new int[levels][];
    for (int l = 0; l < levels; l++) {
      int count = levelNodes[l].length;
      int[] oldNodes = levelNodes[l];
      nodes[l] = new int[count];
      for (int s = 0; s < count; s++) {
        nodes[l][s] = oldToNew[oldNodes[s]];
      }
      Arrays.sort(nodes[l]); // the level's nodes by new id
      offs[l] = new int[count + 1];
      nbs[l] = new int[levelNeighbors[l].length];
      for (int s = 0; s < count; s++) {
        int oldSlot = Arrays.binarySearch(oldNodes, newToOld[nodes[l][s]]);
        int from = levelOffsets[l][oldSlot];
        int to = levelOffsets[l][oldSlot + 1];
        offs[l][s + 1] = offs[l][s] + (to - from);
        for (int j = from; j < to; j++) {
          nbs[l][offs[l][s] + j - from] = oldToNew[levelNeighbors[l][j]];
        }
      }
    }
    return new HnswGraph(size, size == 0 ? -1 : oldToNew[entryPoint], off, nb, nodes, offs, nbs);
  }

  /**
   * Nodes in breadth-first order of layer 0 from the entry point (then any unreached ones), so
   * that nodes searched together sit together in memory: {@code order[i]} is the old id of the
   * node to be numbered {@code i}.
   */
  public int[] breadthFirstOrder() {
    int[] order = new int[size];
    boolean[] seen = new boolean[size];
    int head = 0;
    int tail = 0;
    int scan = 0;
    for (int start = entryPoint; tail < size; ) {
      seen[start] = true;
      order[tail++] = start;
      while (head < tail) {
        int node = order[head++];
        for (int j = offsets0[node]; j < offsets0[node + 1]; j++) {
          int n = neighbors0[j];
          if (!seen[n]) {
            seen[n] = true;
            order[tail++] = n;
          }
        }
      }
      while (scan < size && seen[scan]) {
        scan++;
      }
      start = scan;
    }
    return order;
  }
}
