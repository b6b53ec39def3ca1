package io.embeddinghub.format;

import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;

/**
 * A group of one field (the {@code list} and {@code element} levels of the embedding column):
 * hands every field to its child and does nothing at the group's start and end. Shared by the
 * data file readers.
 */
final class SingleChildGroup extends GroupConverter {
  private final Converter child;

  SingleChildGroup(Converter child) {
    this.child = child;
  }

  @Override
  public Converter getConverter(int fieldIndex) {
    return child;
  }

  @Override
  public void start() {}

  @Override
  public void end() {}
}
