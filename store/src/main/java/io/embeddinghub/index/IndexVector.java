package io.embeddinghub.index;

/**
 * One vector as the graph sees it: a row of a shared flat array (no per-row copy). For cosine
 * spaces the array holds unit-length copies of the rows.
 */
public record IndexVector(float[] data, int offset) {}
