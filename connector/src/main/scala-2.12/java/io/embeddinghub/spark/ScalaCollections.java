package io.embeddinghub.spark;

import java.util.Collection;
import java.util.List;
import scala.collection.JavaConverters;

/**
 * Scala and Java collections, both ways, on Scala 2.12 (the {@code scala-2.12} shim: the
 * decorators of {@code scala.collection.JavaConverters}). Lists come back as Scala's immutable
 * {@code List}, a {@code Seq} on every Scala version.
 */
final class ScalaCollections {
  private ScalaCollections() {}

  static <T> List<T> asJava(scala.collection.Seq<T> seq) {
    return JavaConverters.seqAsJavaListConverter(seq).asJava();
  }

  static <T> java.util.Iterator<T> asJava(scala.collection.Iterator<T> iterator) {
    return JavaConverters.asJavaIteratorConverter(iterator).asJava();
  }

  static <T> scala.collection.Iterator<T> asScala(java.util.Iterator<T> iterator) {
    return JavaConverters.asScalaIteratorConverter(iterator).asScala();
  }

  static <T> scala.collection.immutable.List<T> toList(Collection<T> collection) {
    return JavaConverters.collectionAsScalaIterableConverter(collection).asScala().toList();
  }
}
