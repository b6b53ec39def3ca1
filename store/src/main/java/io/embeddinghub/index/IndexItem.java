package io.embeddinghub.index;

import com.github.jelmerk.hnswlib.core.Item;

/** A graph node: the row position in the data file, and its vector. */
record IndexItem(Integer id, IndexVector vector, int dimensions) implements Item<Integer, IndexVector> {
  private static final long serialVersionUID = 1L;
}
