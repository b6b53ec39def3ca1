package io.embeddinghub.spark;

import io.embeddinghub.KeyFilter;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.And;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.EqualTo;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GreaterThan;
import org.apache.spark.sql.catalyst.expressions.GreaterThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.In;
import org.apache.spark.sql.catalyst.expressions.InSubquery;
import org.apache.spark.sql.catalyst.expressions.IsNotNull;
import org.apache.spark.sql.catalyst.expressions.LessThan;
import org.apache.spark.sql.catalyst.expressions.LessThanOrEqual;
import org.apache.spark.sql.catalyst.expressions.Like;
import org.apache.spark.sql.catalyst.expressions.ListQuery;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.StartsWith;
import org.apache.spark.sql.catalyst.plans.logical.Distinct;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.GlobalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalLimit;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.execution.CommandExecutionMode;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@link KeyFilter} that Catalyst conditions on a space's {@code key} make, when every conjunct
 * is a predicate on {@code key} alone: {@code key = 'x'}, {@code key IN ('x', …)}, {@code key IN
 * (SELECT …)} (an uncorrelated subquery, run once, when the statement is planned), {@code key LIKE
 * 'p%'} and {@code startswith(key, 'p')}, {@code <, <=, >, >=} against a string, and {@code key IS
 * NOT NULL}. Used for the {@code WHERE} on the space side of a nearest-neighbor join (any other
 * conjunct leaves the join to Spark's own plan) and for the filter argument of {@code
 * nearest_neighbors(…)} ({@link #parse}: any other conjunct is refused).
 */
final class KeyConditionFilter {
  /** The predicate forms understood, for error messages. */
  static final String FORMS =
      "key = 'x', key IN ('x', ...), key IN (SELECT ...), key LIKE 'p%', startswith(key, 'p'), "
          + "key <, <=, >, >= 'x', joined by AND";

  private KeyConditionFilter() {}

  /**
   * The filter of a SQL predicate on {@code key} written as text ({@code "key LIKE 'shoe-%' AND key
   * < 'shoe-5'"}), analyzed in {@code spark}'s session (so a subquery may name its tables); {@link
   * KeyFilter#EVERY} when it does not restrict the keys.
   *
   * @throws io.embeddinghub.InvalidInputException naming the predicate when it does not parse or
   *     analyze, has a conjunct on anything but {@code key} alone, or its subquery returns more than
   *     {@code maxKeys} distinct keys (then the message ends with {@code otherwise}, what to do instead)
   */
  static KeyFilter parse(String predicate, SparkSession spark, int maxKeys, String otherwise) {
    List<Attribute> keyColumn = new ArrayList<>(ScalaCollections.asJava(
        DataTypeUtils.toAttributes(new StructType().add("key", DataTypes.StringType, false))));
    LocalRelation keys = LocalRelation.fromExternalRows(
        ScalaCollections.toList(keyColumn), ScalaCollections.toList(List.<Row>of()));
    Attribute key = keys.output().apply(0);
    Expression condition;
    try {
      Expression parsed = spark.sessionState().sqlParser().parseExpression(predicate);
      QueryExecution analysis = spark.sessionState().executePlan(new Filter(parsed, keys), CommandExecutionMode.ALL());
      analysis.assertAnalyzed();
      if (!(analysis.analyzed() instanceof Filter filter) || !filter.condition().dataType().equals(DataTypes.BooleanType)) {
        throw SparkErrors.keyFilterInvalid(predicate, "not a condition");
      }
      condition = filter.condition();
    } catch (org.apache.spark.sql.AnalysisException e) {
      throw SparkErrors.keyFilterInvalid(predicate, e.getMessage());
    }
    List<Expression> conditions = List.of(condition);
    if (!understands(conditions, key)) {
      throw SparkErrors.keyFilterNotOnKey(predicate, FORMS);
    }
    try {
      KeyFilter filter = of(conditions, key, spark, maxKeys);
      return filter == null ? KeyFilter.EVERY : filter;
    } catch (TooManyKeys e) {
      throw SparkErrors.keyFilterTooManyKeys(predicate, maxKeys, otherwise);
    }
  }

  /** Whether every conjunct of {@code conditions} is one this class turns into a filter (runs nothing). */
  static boolean understands(List<Expression> conditions, Attribute key) {
    for (Expression c : conjuncts(conditions)) {
      if (!understood(c, key)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The filter of {@code conditions} (which {@link #understands}); null when no conjunct restricts
   * the keys (none, or only {@code IS NOT NULL}).
   *
   * @throws TooManyKeys when a subquery returns more than {@code maxKeys} distinct keys
   */
  static KeyFilter of(List<Expression> conditions, Attribute key, SparkSession spark, int maxKeys) {
    KeyFilter filter = null;
    for (Expression c : conjuncts(conditions)) {
      KeyFilter one = filterOf(c, key, spark, maxKeys);
      if (one != null) {
        filter = filter == null ? one : KeyFilter.and(filter, one);
      }
    }
    return filter;
  }

  /** A subquery returned more keys than may be collected: the join keeps Spark's own plan. */
  static final class TooManyKeys extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooManyKeys() {
      super(null, null, false, false);
    }
  }

  private static List<Expression> conjuncts(List<Expression> conditions) {
    List<Expression> out = new ArrayList<>();
    List<Expression> pending = new ArrayList<>(conditions);
    while (!pending.isEmpty()) {
      Expression e = pending.remove(pending.size() - 1);
      if (e instanceof And and) {
        pending.add(and.left());
        pending.add(and.right());
      } else {
        out.add(e);
      }
    }
    return out;
  }

  private static boolean understood(Expression e, Attribute key) {
    if (e instanceof IsNotNull n) {
      return isKey(n.child(), key);
    }
    if (e instanceof InSubquery in) {
      return in.values().size() == 1 && isKey(in.values().apply(0), key) && in.query().outerAttrs().isEmpty();
    }
    if (e instanceof In in) {
      return isKey(in.value(), key) && ScalaCollections.asJava(in.list()).stream().allMatch(KeyConditionFilter::isString);
    }
    if (e instanceof Like like) {
      return isKey(like.left(), key) && prefixOf(like) != null;
    }
    if (e instanceof EqualTo || e instanceof StartsWith || e instanceof LessThan || e instanceof LessThanOrEqual
        || e instanceof GreaterThan || e instanceof GreaterThanOrEqual) {
      Expression left = e.children().apply(0);
      Expression right = e.children().apply(1);
      boolean keyLeft = isKey(left, key) && isString(right);
      boolean keyRight = isKey(right, key) && isString(left) && !(e instanceof StartsWith);
      return keyLeft || keyRight;
    }
    return false;
  }

  private static KeyFilter filterOf(Expression e, Attribute key, SparkSession spark, int maxKeys) {
    if (e instanceof IsNotNull) {
      return null; // keys are never null
    }
    if (e instanceof InSubquery in) {
      return subqueryKeys(in.query(), spark, maxKeys);
    }
    if (e instanceof In in) {
      List<String> keys = new ArrayList<>();
      for (Expression v : ScalaCollections.asJava(in.list())) {
        String s = string(v);
        if (s != null) { // key IN (NULL, …): NULL matches nothing
          keys.add(s);
        }
      }
      return KeyFilter.in(keys);
    }
    if (e instanceof Like like) {
      return KeyFilter.prefix(prefixOf(like));
    }
    Expression left = e.children().apply(0);
    Expression right = e.children().apply(1);
    boolean keyLeft = isKey(left, key);
    String value = string(keyLeft ? right : left);
    if (value == null) {
      return KeyFilter.in(List.of()); // a comparison with NULL is never true
    }
    // key OP value, or value OP key turned around
    if (e instanceof EqualTo) {
      return KeyFilter.in(List.of(value));
    }
    if (e instanceof StartsWith) {
      return KeyFilter.prefix(value);
    }
    boolean lower = keyLeft == (e instanceof GreaterThan || e instanceof GreaterThanOrEqual);
    boolean inclusive = e instanceof GreaterThanOrEqual || e instanceof LessThanOrEqual;
    // the smallest string above v is v + U+0000 (code point order)
    return lower
        ? KeyFilter.atLeast(inclusive ? value : value + '\u0000')
        : KeyFilter.below(inclusive ? value + '\u0000' : value);
  }

  private static KeyFilter subqueryKeys(ListQuery query, SparkSession spark, int maxKeys) {
    Literal limit = Literal.create(maxKeys + 1, DataTypes.IntegerType);
    LogicalPlan distinct = new GlobalLimit(limit, new LocalLimit(limit, new Distinct(query.plan())));
    InternalRow[] rows = spark.sessionState().executePlan(distinct, CommandExecutionMode.ALL())
        .executedPlan().executeCollect();
    if (rows.length > maxKeys) {
      throw new TooManyKeys();
    }
    DataType type = query.plan().output().apply(0).dataType();
    List<String> keys = new ArrayList<>(rows.length);
    for (InternalRow r : rows) {
      if (!r.isNullAt(0)) {
        keys.add(String.valueOf(r.get(0, type)));
      }
    }
    return KeyFilter.in(keys);
  }

  /** The prefix of a {@code LIKE 'p%'} without other wildcards or escapes, else null. */
  private static String prefixOf(Like like) {
    if (!(like.right() instanceof Literal lit) || lit.value() == null || !lit.dataType().equals(DataTypes.StringType)) {
      return null;
    }
    String pattern = lit.value().toString();
    if (!pattern.endsWith("%")) {
      return null;
    }
    String prefix = pattern.substring(0, pattern.length() - 1);
    boolean plain = prefix.chars().noneMatch(c -> c == '%' || c == '_' || c == like.escapeChar());
    return plain ? prefix : null;
  }

  private static boolean isKey(Expression e, Attribute key) {
    return e instanceof Attribute a && a.exprId().equals(key.exprId());
  }

  private static boolean isString(Expression e) {
    return e instanceof Literal lit && (lit.value() == null || lit.dataType().equals(DataTypes.StringType));
  }

  private static String string(Expression e) {
    Object v = ((Literal) e).value();
    return v == null ? null : v.toString();
  }
}
