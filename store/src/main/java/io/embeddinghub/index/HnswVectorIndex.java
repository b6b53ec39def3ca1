package io.embeddinghub.index;

import com.github.jelmerk.hnswlib.core.NullProgressListener;
import com.github.jelmerk.hnswlib.core.ObjectSerializer;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import io.embeddinghub.IndexParams;
import io.embeddinghub.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInput;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutput;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * HNSW over one data file's rows, on com.github.jelmerk:hnswlib-core. The graph is saved with
 * custom serializers that write row ids only, never vectors: the vectors live in the Parquet
 * file and are re-attached when the graph is read, so an index file costs about
 * {@code 4 * (2M + small)} bytes a row instead of repeating the vectors.
 *
 * <p>Reading uses Java serialization (hnswlib-core's format) behind an {@link ObjectInputFilter}
 * that admits only the handful of classes such a graph holds, and only from files whose header
 * and checksum {@link IndexFiles} verified first.
 */
public final class HnswVectorIndex implements VectorIndex {
  public static final String BACKEND = "hnswlib-core";
  public static final String BACKEND_VERSION = "1.2.1";

  private static final Set<String> ALLOWED_CLASSES =
      Set.of(
          HnswIndex.class.getName(),
          IndexDistance.class.getName(),
          RowIdSerializer.class.getName(),
          RowItemSerializer.class.getName(),
          Metric.class.getName(),
          Enum.class.getName(),
          "java.util.Comparators$NaturalOrderComparator");

  /** Vectors to attach to items while a graph is being read on this thread. */
  private static final ThreadLocal<float[]> ATTACHING = new ThreadLocal<>();

  private final HnswIndex<Integer, IndexVector, IndexItem, Float> graph;
  private final int dimensions;

  private HnswVectorIndex(HnswIndex<Integer, IndexVector, IndexItem, Float> graph, int dimensions) {
    this.graph = graph;
    this.dimensions = dimensions;
  }

  /** Builds the graph over all rows, with {@code threads} threads. */
  public static HnswVectorIndex build(
      float[] preparedRows, int dimensions, Metric metric, IndexParams params, int threads) {
    int rows = preparedRows.length / dimensions;
    HnswIndex<Integer, IndexVector, IndexItem, Float> graph =
        HnswIndex.newBuilder(dimensions, new IndexDistance(metric, dimensions), Math.max(1, rows))
            .withM(params.m())
            .withEfConstruction(params.efConstruction())
            .withEf(1) // per-query ef is passed as the candidate count; see search()
            .withCustomSerializers(new RowIdSerializer(), new RowItemSerializer(dimensions))
            .build();
    List<IndexItem> items = new ArrayList<>(rows);
    for (int row = 0; row < rows; row++) {
      items.add(new IndexItem(row, new IndexVector(preparedRows, row * dimensions), dimensions));
    }
    try {
      graph.addAll(items, Math.max(1, threads), NullProgressListener.INSTANCE, Integer.MAX_VALUE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while building an HNSW index", e);
    }
    return new HnswVectorIndex(graph, dimensions);
  }

  /** Writes the graph (hnswlib-core's serialized form, without vectors). */
  public void writeGraph(OutputStream out) throws IOException {
    graph.save(out);
  }

  /** Reads a graph written by {@link #writeGraph}, attaching {@code preparedRows} as its vectors. */
  @SuppressWarnings("unchecked")
  public static HnswVectorIndex readGraph(InputStream in, float[] preparedRows, int dimensions, long maxBytes)
      throws IOException {
    ATTACHING.set(preparedRows);
    try (ObjectInputStream objects = new FilteredObjectInputStream(in, maxBytes)) {
      Object graph = objects.readObject();
      if (!(graph instanceof HnswIndex)) {
        throw new IOException("payload is not an HNSW graph: " + graph.getClass().getName());
      }
      HnswIndex<Integer, IndexVector, IndexItem, Float> hnsw = (HnswIndex<Integer, IndexVector, IndexItem, Float>) graph;
      if (hnsw.getDimensions() != dimensions || hnsw.size() != preparedRows.length / dimensions) {
        throw new IOException(
            "graph has " + hnsw.size() + " rows of " + hnsw.getDimensions() + " dimensions, expected "
                + preparedRows.length / dimensions + " of " + dimensions);
      }
      return new HnswVectorIndex(hnsw, dimensions);
    } catch (ClassNotFoundException | ClassCastException | IllegalStateException e) {
      throw new IOException("unreadable HNSW graph: " + e, e);
    } finally {
      ATTACHING.remove();
    }
  }

  @Override
  public List<RowHit> search(float[] preparedQuery, int k, int ef, IntPredicate accept) {
    int rows = rows();
    if (k <= 0 || rows == 0) {
      return List.of();
    }
    IndexVector query = new IndexVector(preparedQuery, 0);
    int candidates = Math.min(rows, Math.max(ef, k));
    while (true) {
      // hnswlib-core explores max(ef, k) candidates; ef is fixed at 1, so asking for more results
      // is how a per-query ef (and the over-fetch past rejected rows) is expressed
      List<SearchResult<IndexItem, Float>> found = graph.findNearest(query, candidates);
      List<RowHit> hits = new ArrayList<>(k);
      for (SearchResult<IndexItem, Float> r : found) {
        int row = r.item().id();
        if (accept.test(row)) {
          hits.add(new RowHit(row, r.distance()));
          if (hits.size() == k) {
            return hits;
          }
        }
      }
      if (candidates >= rows || found.size() < candidates) {
        return hits;
      }
      int rejected = found.size() - hits.size();
      candidates = (int) Math.min(rows, Math.max(2L * candidates, (long) candidates + rejected + k));
    }
  }

  @Override
  public int rows() {
    return graph.size();
  }

  @Override
  public long memoryBytes() {
    // nodes, their link lists (2M at level 0) and the per-row vector handles
    return (long) rows() * (96 + 8L * graph.getM() + 32);
  }

  @Override
  public String backend() {
    return BACKEND;
  }

  public IndexParams params() {
    return new IndexParams(graph.getM(), graph.getEfConstruction(), Math.max(1, graph.getEf()));
  }

  /** Writes a row id as an int. */
  static final class RowIdSerializer implements ObjectSerializer<Integer> {
    private static final long serialVersionUID = 1L;

    @Override
    public void write(Integer id, ObjectOutput out) throws IOException {
      out.writeInt(id);
    }

    @Override
    public Integer read(ObjectInput in) throws IOException {
      return in.readInt();
    }
  }

  /** Writes an item as its row id; reading re-attaches the row of the vectors being attached. */
  static final class RowItemSerializer implements ObjectSerializer<IndexItem> {
    private static final long serialVersionUID = 1L;
    private final int dimensions;

    RowItemSerializer(int dimensions) {
      this.dimensions = dimensions;
    }

    @Override
    public void write(IndexItem item, ObjectOutput out) throws IOException {
      out.writeInt(item.id());
    }

    @Override
    public IndexItem read(ObjectInput in) throws IOException {
      int row = in.readInt();
      float[] rows = ATTACHING.get();
      if (rows == null) {
        throw new IOException("no vectors to attach while reading an HNSW graph");
      }
      if (row < 0 || (long) (row + 1) * dimensions > rows.length) {
        throw new IOException("graph references row " + row + " beyond the data file");
      }
      return new IndexItem(row, new IndexVector(rows, row * dimensions), dimensions);
    }
  }

  /** Admits only the classes of a graph, resolving them with this library's class loader. */
  private static final class FilteredObjectInputStream extends ObjectInputStream {
    FilteredObjectInputStream(InputStream in, long maxBytes) throws IOException {
      super(in);
      setObjectInputFilter(
          info -> {
            if (info.streamBytes() > maxBytes || info.depth() > 20) {
              return ObjectInputFilter.Status.REJECTED;
            }
            Class<?> c = info.serialClass();
            if (c == null) {
              return ObjectInputFilter.Status.UNDECIDED;
            }
            if (c.isArray()) {
              return c.getComponentType().isPrimitive()
                  ? ObjectInputFilter.Status.ALLOWED
                  : ObjectInputFilter.Status.REJECTED;
            }
            return ALLOWED_CLASSES.contains(c.getName())
                ? ObjectInputFilter.Status.ALLOWED
                : ObjectInputFilter.Status.REJECTED;
          });
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      if (!ALLOWED_CLASSES.contains(desc.getName())) {
        throw new InvalidClassException(desc.getName(), "not allowed in an HNSW index file");
      }
      return Class.forName(desc.getName(), false, HnswVectorIndex.class.getClassLoader());
    }
  }
}
