package io.embeddinghub;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.log.KeyOrder;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which keys a filtered nearest-neighbor search may answer with ({@link SearchOptions#withFilter}):
 * a set of allowed keys, a key prefix, or a key range. Key order is the store's: Unicode code
 * point order, which is the byte order of UTF-8 and the order of Spark's strings. Immutable.
 *
 * <p>A filtered search still returns exactly {@code min(k, matching live rows)} neighbors, nearest
 * first: rows of the filter only, never fewer because non-matching rows were nearer.
 */
public sealed interface KeyFilter extends java.io.Serializable
    permits KeyFilter.Every, KeyFilter.In, KeyFilter.Prefix, KeyFilter.Range, KeyFilter.Both {

  /** Every key: no filter (what {@link SearchOptions} hold unless given one). */
  KeyFilter EVERY = new Every();

  /**
   * Whether {@code key} passes.
   *
   * @param key a stored key
   * @return true when a search may answer with it
   * @throws InvalidInputException if {@code key} is null
   */
  boolean test(String key);

  /**
   * Only the keys of {@code keys} (an allowed-key set, say the in-stock products).
   *
   * @param keys the allowed keys; none allows nothing
   * @return the filter
   * @throws InvalidInputException if {@code keys} or one of them is null or not a valid key
   */
  static KeyFilter in(Collection<String> keys) {
    return new In(Errors.checkNotNull(keys, "keys") instanceof Set<String> set ? set : new LinkedHashSet<>(keys));
  }

  /**
   * Only {@code key}.
   *
   * @param key the one allowed key
   * @return the filter
   * @throws InvalidInputException if {@code key} is null or not a valid key
   */
  static KeyFilter equalTo(String key) {
    Errors.checkKey(key);
    return new In(Set.of(key));
  }

  /**
   * Only keys starting with {@code prefix}.
   *
   * @param prefix the prefix; the empty prefix allows every key
   * @return the filter
   * @throws InvalidInputException if {@code prefix} is null
   */
  static KeyFilter prefix(String prefix) {
    return new Prefix(prefix);
  }

  /**
   * Only keys from {@code fromInclusive} up to but not including {@code toExclusive}.
   *
   * @param fromInclusive the smallest allowed key
   * @param toExclusive the first key past the range
   * @return the filter
   * @throws InvalidInputException if a bound is null, or {@code fromInclusive} sorts after {@code
   *     toExclusive}
   */
  static KeyFilter range(String fromInclusive, String toExclusive) {
    return new Range(Errors.checkNotNull(fromInclusive, "fromInclusive"), Errors.checkNotNull(toExclusive, "toExclusive"));
  }

  /**
   * Only keys from {@code fromInclusive} on.
   *
   * @param fromInclusive the smallest allowed key
   * @return the filter
   * @throws InvalidInputException if {@code fromInclusive} is null
   */
  static KeyFilter atLeast(String fromInclusive) {
    return new Range(Errors.checkNotNull(fromInclusive, "fromInclusive"), null);
  }

  /**
   * Only keys that sort before {@code toExclusive}.
   *
   * @param toExclusive the first key past the range
   * @return the filter
   * @throws InvalidInputException if {@code toExclusive} is null
   */
  static KeyFilter below(String toExclusive) {
    return new Range(null, Errors.checkNotNull(toExclusive, "toExclusive"));
  }

  /**
   * Keys both filters pass. With an allowed-key set on either side the result is the set of its
   * keys the other passes, so it keeps the set's strategy ({@link FilterStrategy}).
   *
   * @param first a filter
   * @param second another filter
   * @return the conjunction
   * @throws InvalidInputException if either is null
   */
  static KeyFilter and(KeyFilter first, KeyFilter second) {
    Errors.checkNotNull(first, "first");
    Errors.checkNotNull(second, "second");
    if (first instanceof Every) {
      return second;
    }
    if (second instanceof Every) {
      return first;
    }
    if (first instanceof In set) {
      return new In(set.keys().stream().filter(second::test).collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
    }
    if (second instanceof In set) {
      return new In(set.keys().stream().filter(first::test).collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)));
    }
    return new Both(first, second);
  }

  /**
   * Every key ({@link #EVERY}): a search without a filter.
   *
   * @serial exclude Serialized by its components, documented above.
   */
  record Every() implements KeyFilter {
    @Override
    public boolean test(String key) {
      Errors.checkNotNull(key, "key");
      return true;
    }

    @Override
    public String toString() {
      return "every key";
    }
  }

  /**
   * Allowed keys named one by one.
   *
   * @param keys the allowed keys (unmodifiable)
   * @serial exclude Serialized by its components, documented above.
   */
  record In(Set<String> keys) implements KeyFilter {
    /**
     * Checks every key and keeps an unmodifiable copy.
     *
     * @param keys the allowed keys
     * @throws InvalidInputException if {@code keys} or one of them is null or not a valid key
     */
    public In {
      Errors.checkNotNull(keys, "keys");
      Set<String> copy = new LinkedHashSet<>(Math.max(16, keys.size() * 4 / 3 + 1));
      for (String key : keys) {
        Errors.checkKey(key);
        copy.add(key);
      }
      keys = Collections.unmodifiableSet(copy);
    }

    @Override
    public boolean test(String key) {
      return keys.contains(Errors.checkNotNull(key, "key"));
    }

    @Override
    public String toString() {
      return "key IN (" + keys.size() + " keys)";
    }
  }

  /**
   * Keys starting with a prefix.
   *
   * @param prefix the prefix
   * @serial exclude Serialized by its components, documented above.
   */
  record Prefix(String prefix) implements KeyFilter {
    /**
     * Checks the prefix.
     *
     * @param prefix the prefix
     * @throws InvalidInputException if {@code prefix} is null
     */
    public Prefix {
      Errors.checkNotNull(prefix, "prefix");
    }

    @Override
    public boolean test(String key) {
      return Errors.checkNotNull(key, "key").startsWith(prefix);
    }

    @Override
    public String toString() {
      return "key LIKE " + Errors.quote(prefix + "%");
    }
  }

  /**
   * Keys in a half-open range.
   *
   * @param fromInclusive the smallest allowed key, or null
   * @param toExclusive the first key past the range, or null
   * @serial exclude Serialized by its components, documented above.
   */
  record Range(String fromInclusive, String toExclusive) implements KeyFilter {
    /**
     * Checks that the range is bounded and not inverted.
     *
     * @param fromInclusive the smallest allowed key, or null
     * @param toExclusive the first key past the range, or null
     * @throws InvalidInputException if both are null, or the range is inverted
     */
    public Range {
      if (fromInclusive == null && toExclusive == null) {
        throw Errors.mustBe("a key range", "bounded on at least one side (use no filter for every key)", "(null, null)");
      }
      if (fromInclusive != null && toExclusive != null && KeyOrder.compare(fromInclusive, toExclusive) > 0) {
        throw Errors.mustBe("a key range", "from its lower bound up to an upper bound that does not sort before it",
            "[" + Errors.quote(fromInclusive) + ", " + Errors.quote(toExclusive) + ")");
      }
    }

    @Override
    public boolean test(String key) {
      Errors.checkNotNull(key, "key");
      return (fromInclusive == null || KeyOrder.compare(key, fromInclusive) >= 0)
          && (toExclusive == null || KeyOrder.compare(key, toExclusive) < 0);
    }

    @Override
    public String toString() {
      return (fromInclusive == null ? "" : Errors.quote(fromInclusive) + " <= ") + "key"
          + (toExclusive == null ? "" : " < " + Errors.quote(toExclusive));
    }
  }

  /**
   * Keys two filters pass ({@link #and}).
   *
   * @param first a filter
   * @param second another filter
   * @serial exclude Serialized by its components, documented above.
   */
  record Both(KeyFilter first, KeyFilter second) implements KeyFilter {
    /**
     * Checks both are present.
     *
     * @param first a filter
     * @param second another filter
     * @throws InvalidInputException if either is null
     */
    public Both {
      Errors.checkNotNull(first, "first");
      Errors.checkNotNull(second, "second");
    }

    @Override
    public boolean test(String key) {
      return first.test(Errors.checkNotNull(key, "key")) && second.test(key);
    }

    @Override
    public String toString() {
      return first + " AND " + second;
    }
  }
}
