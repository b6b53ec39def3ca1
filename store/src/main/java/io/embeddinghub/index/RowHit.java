package io.embeddinghub.index;

/** A row of a data file found by an index search, with its distance in the index's terms. */
public record RowHit(int row, float indexDistance) {}
