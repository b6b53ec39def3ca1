package io.embeddinghub.spark;

import java.util.Collection;
import java.util.List;

/**
 * Scala and Java collections, both ways, on Scala 2.13 (the {@code scala-2.13} shim;
 * {@code scala.jdk.javaapi.CollectionConverters} is 2.13 only). Lists come back as Scala's
 * immutable {@code List}, a {@code Seq} on every Scala version.
 */
final class ScalaCollections {
  private ScalaCollections() {}

  static <T> List<T> asJava(scala.collection.Seq<T> seq) {
    return scala.jdk.javaapi.CollectionConverters.asJava(seq);
  }

  static <T> java.util.Iterator<T> asJava(scala.collection.Iterator<T> iterator) {
    return scala.jdk.javaapi.CollectionConverters.asJava(iterator);
  }

  static <T> scala.collection.Iterator<T> asScala(java.util.Iterator<T> iterator) {
    return scala.jdk.javaapi.CollectionConverters.asScala(iterator);
  }

  static <T> scala.collection.immutable.List<T> toList(Collection<T> collection) {
    return scala.jdk.javaapi.CollectionConverters.asScala(collection).toList();
  }
}
