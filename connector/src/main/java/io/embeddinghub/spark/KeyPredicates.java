package io.embeddinghub.spark;

import io.embeddinghub.engine.EngineKeys;
import io.embeddinghub.engine.ScanFile;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.filter.Predicate;

/**
 * The predicates on {@code key} a scan can prune with: {@code =} and {@code IN} select buckets and
 * files; {@code <, <=, >, >=} and {@code STARTS_WITH} select files by their key range. Also
 * evaluates them on one key (for {@code DELETE … WHERE} on ranges). Immutable and serializable.
 */
final class KeyPredicates implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One understood predicate: an operator and its string operands. */
  private record Condition(String op, List<String> values) implements Serializable {}

  private final List<Condition> conditions;

  private KeyPredicates(List<Condition> conditions) {
    this.conditions = List.copyOf(conditions);
  }

  static KeyPredicates none() {
    return new KeyPredicates(List.of());
  }

  /** Whether the predicate is one on {@code key} this class understands. */
  static boolean understands(Predicate p) {
    return toCondition(p) != null;
  }

  /** These conditions and the understood ones among {@code predicates}. */
  KeyPredicates and(Predicate[] predicates) {
    List<Condition> all = new ArrayList<>(conditions);
    for (Predicate p : predicates) {
      Condition c = toCondition(p);
      if (c != null) {
        all.add(c);
      }
    }
    return new KeyPredicates(all);
  }

  boolean isEmpty() {
    return conditions.isEmpty();
  }

  /** The keys an {@code =}/{@code IN} condition allows, or null when any key may match. */
  Set<String> exactKeys() {
    Set<String> keys = null;
    for (Condition c : conditions) {
      if (c.op.equals("=") || c.op.equals("IN")) {
        Set<String> these = new HashSet<>(c.values);
        if (keys == null) {
          keys = these;
        } else {
          keys.retainAll(these);
        }
      }
    }
    return keys;
  }

  /** Buckets that may hold matching keys, or null for all. */
  Set<Integer> buckets(int bucketCount) {
    Set<String> keys = exactKeys();
    if (keys == null) {
      return null;
    }
    Set<Integer> buckets = new HashSet<>();
    keys.forEach(k -> buckets.add(EngineKeys.bucketOf(k, bucketCount)));
    return buckets;
  }

  /** Whether a data file's key range may hold a matching key. */
  boolean mayMatch(ScanFile file) {
    Set<String> keys = exactKeys();
    if (keys != null && keys.stream().noneMatch(file::mayContain)) {
      return false;
    }
    for (Condition c : conditions) {
      String v = c.values.isEmpty() ? null : c.values.get(0);
      boolean possible =
          switch (c.op) {
            case "<" -> EngineKeys.compare(file.minKey(), v) < 0;
            case "<=" -> EngineKeys.compare(file.minKey(), v) <= 0;
            case ">" -> EngineKeys.compare(file.maxKey(), v) > 0;
            case ">=" -> EngineKeys.compare(file.maxKey(), v) >= 0;
            case "STARTS_WITH" -> EngineKeys.compare(file.maxKey(), v) >= 0
                && (EngineKeys.compare(file.minKey(), v) <= 0 || file.minKey().startsWith(v));
            default -> true;
          };
      if (!possible) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code key} satisfies every condition. */
  boolean matches(String key) {
    for (Condition c : conditions) {
      String v = c.values.get(0);
      boolean ok =
          switch (c.op) {
            case "=", "IN" -> c.values.contains(key);
            case "<" -> EngineKeys.compare(key, v) < 0;
            case "<=" -> EngineKeys.compare(key, v) <= 0;
            case ">" -> EngineKeys.compare(key, v) > 0;
            case ">=" -> EngineKeys.compare(key, v) >= 0;
            case "STARTS_WITH" -> key.startsWith(v);
            default -> true;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Condition toCondition(Predicate p) {
    String op = p.name();
    Expression[] children = p.children();
    if (children.length < 2 || !isKey(children[0])) {
      return null;
    }
    List<String> values = new ArrayList<>();
    for (int i = 1; i < children.length; i++) {
      if (!(children[i] instanceof Literal<?> literal) || literal.value() == null) {
        return null;
      }
      values.add(literal.value().toString());
    }
    switch (op) {
      case "=", "<", "<=", ">", ">=", "STARTS_WITH":
        return children.length == 2 ? new Condition(op, values) : null;
      case "IN":
        return new Condition(op, values);
      default:
        return null;
    }
  }

  private static boolean isKey(Expression e) {
    return e instanceof NamedReference ref
        && ref.fieldNames().length == 1
        && ref.fieldNames()[0].equalsIgnoreCase("key");
  }

  @Override
  public String toString() {
    return conditions.toString();
  }
}
