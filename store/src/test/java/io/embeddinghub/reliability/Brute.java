package io.embeddinghub.reliability;

import io.embeddinghub.Neighbor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Brute-force L2 kNN over a model: the oracle of the reliability suites. */
final class Brute {
  private Brute() {}

  static double l2(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /**
   * The {@code k} keys nearest to {@code query}, nearest first, ties by key; {@code except} left
   * out. Distances are compared as the floats {@link Neighbor} reports, as the store ranks them.
   */
  static List<String> nearest(Map<String, float[]> rows, float[] query, int k, String except) {
    List<Map.Entry<String, Double>> all = new ArrayList<>();
    rows.forEach((key, v) -> {
      if (!key.equals(except)) {
        all.add(Map.entry(key, (double) (float) l2(query, v)));
      }
    });
    all.sort(Map.Entry.<String, Double>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
    List<String> out = new ArrayList<>();
    for (int i = 0; i < Math.min(k, all.size()); i++) {
      out.add(all.get(i).getKey());
    }
    return out;
  }

  static List<String> keys(List<Neighbor> neighbors) {
    return neighbors.stream().map(Neighbor::key).toList();
  }

  static Comparator<Neighbor> order() {
    return Comparator.comparingDouble(Neighbor::distance);
  }
}
