package io.embeddinghub.index;

import com.github.jelmerk.hnswlib.core.NullProgressListener;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.collections.api.list.primitive.MutableIntList;

/**
 * Builds HNSW graphs with com.github.jelmerk:hnswlib-core 1.2.1 ({@code addAll} on all build
 * threads) and exports the finished graph into the flat layout ({@link HnswGraph}), node {@code i}
 * being row {@code i}. hnswlib-core has no public accessor for its links, so the export reads its
 * private {@code nodes} and {@code entryPoint} fields and each node's {@code connections} and
 * {@code item}; a test pins this to the 1.2.1 class shapes, and a changed shape fails loudly here.
 */
public final class HnswlibCoreBuilder implements GraphBuilder {
  public static final String NAME = "hnswlib-core";
  public static final String VERSION = "1.2.1";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public HnswGraph build(float[] preparedRows, int dimensions, Metric metric, IndexParams params, int threads) {
    int rows = preparedRows.length / dimensions;
    if (rows == 0) {
      return HnswGraph.empty();
    }
    HnswIndex<Integer, IndexVector, IndexItem, Float> index =
        HnswIndex.newBuilder(dimensions, new IndexDistance(metric, dimensions), rows)
            .withM(params.m())
            .withEfConstruction(params.efConstruction())
            .build();
    List<IndexItem> items = new ArrayList<>(rows);
    for (int row = 0; row < rows; row++) {
      items.add(new IndexItem(row, new IndexVector(preparedRows, row * dimensions), dimensions));
    }
    try {
      index.addAll(items, Math.max(1, threads), NullProgressListener.INSTANCE, Integer.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while building an HNSW graph", e);
    }
    return export(index, rows);
  }

  private static HnswGraph export(HnswIndex<Integer, IndexVector, IndexItem, Float> index, int rows) {
    try {
      AtomicReferenceArray<?> nodes = (AtomicReferenceArray<?>) field(HnswIndex.class, "nodes").get(index);
      Object entry = field(HnswIndex.class, "entryPoint").get(index);
      Class<?> nodeClass = entry.getClass();
      Field idField = field(nodeClass, "id");
      Field connectionsField = field(nodeClass, "connections");
      Field itemField = field(nodeClass, "item");
      int[] rowOfNode = new int[rows];
      MutableIntList[][] links = new MutableIntList[rows][];
      for (int i = 0; i < rows; i++) {
        Object node = nodes.get(i);
        int internal = idField.getInt(node);
        if (internal != i) {
          throw new IllegalStateException("node " + i + " has id " + internal);
        }
        rowOfNode[i] = ((IndexItem) itemField.get(node)).id();
        links[rowOfNode[i]] = (MutableIntList[]) connectionsField.get(node);
      }
      int entryRow = rowOfNode[idField.getInt(entry)];
      int maxLevel = links[entryRow].length - 1;
      int[] offsets0 = new int[rows + 1];
      for (int row = 0; row < rows; row++) {
        offsets0[row + 1] = offsets0[row] + links[row][0].size();
      }
      int[] neighbors0 = new int[offsets0[rows]];
      for (int row = 0; row < rows; row++) {
        MutableIntList l0 = links[row][0];
        for (int j = 0; j < l0.size(); j++) {
          neighbors0[offsets0[row] + j] = rowOfNode[l0.get(j)];
        }
      }
      int[][] levelNodes = new int[maxLevel][];
      int[][] levelOffsets = new int[maxLevel][];
      int[][] levelNeighbors = new int[maxLevel][];
      for (int level = 1; level <= maxLevel; level++) {
        int[] onLevel = new int[rows];
        int count = 0;
        for (int row = 0; row < rows; row++) {
          if (links[row].length > level) {
            onLevel[count++] = row;
          }
        }
        onLevel = Arrays.copyOf(onLevel, count);
        int[] offsets = new int[count + 1];
        for (int s = 0; s < count; s++) {
          offsets[s + 1] = offsets[s] + links[onLevel[s]][level].size();
        }
        int[] neighbors = new int[offsets[count]];
        for (int s = 0; s < count; s++) {
          MutableIntList l = links[onLevel[s]][level];
          for (int j = 0; j < l.size(); j++) {
            neighbors[offsets[s] + j] = rowOfNode[l.get(j)];
          }
        }
        levelNodes[level - 1] = onLevel;
        levelOffsets[level - 1] = offsets;
        levelNeighbors[level - 1] = neighbors;
      }
      return new HnswGraph(rows, entryRow, offsets0, neighbors0, levelNodes, levelOffsets, levelNeighbors);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot export the graph of hnswlib-core " + VERSION + " (its internals changed?): " + e, e);
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}
