package io.embeddinghub.spark;

import java.util.ArrayList;
import java.util.List;

/** Conversions between Spark's array values (float or double lists) and float vectors. */
final class SparkVectors {
  private SparkVectors() {}

  static List<Float> toList(float[] v) {
    List<Float> list = new ArrayList<>(v.length);
    for (float f : v) {
      list.add(f);
    }
    return list;
  }

  /** A vector as the external value of an ARRAY column in a Row built for an encoder. */
  static scala.collection.Seq<Float> toSeq(float[] v) {
    return ScalaCollections.toList(toList(v));
  }

  /** A Row's array value (a Scala Seq or Java List of Float/Double) as floats. */
  static float[] toFloats(Object value) {
    if (value == null) {
      throw SparkErrors.nullInQuery(-1);
    }
    List<?> list =
        value instanceof List<?> l ? l : ScalaCollections.asJava((scala.collection.Seq<?>) value);
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      Object x = list.get(i);
      if (x == null) {
        throw SparkErrors.nullInQuery(i);
      }
      v[i] = ((Number) x).floatValue();
    }
    return v;
  }
}
