package io.embeddinghub.spark;

import io.embeddinghub.engine.Validation;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The constant arguments of one table-function call ({@code nearest_neighbors}, {@code multiget}),
 * each read once, refused with the function's name, what the argument is and the SQL it was given.
 */
final class TableFunctionArguments {
  private final String function;

  TableFunctionArguments(String function) {
    this.function = function;
  }

  /** A {@code '<catalog>.<space>'} argument: the catalog's hub root and the space name. */
  record SpaceRef(String root, String space) {}

  SpaceRef space(Expression e, SparkSession spark) {
    String table = string(e, "the space");
    int dot = table.indexOf('.');
    if (dot <= 0) {
      throw SparkErrors.tableFunctionSpace(function, table);
    }
    String catalog = table.substring(0, dot);
    String space = Validation.checkSpaceName(table.substring(dot + 1));
    String root = spark.conf().get("spark.sql.catalog." + catalog + ".path", null);
    if (root == null) {
      throw SparkErrors.noSuchCatalog(catalog);
    }
    return new SpaceRef(root, space);
  }

  Expression foldable(Expression e, String what) {
    if (!e.foldable()) {
      throw SparkErrors.tableFunctionArgument(function, what, "a constant", e.sql());
    }
    return e;
  }

  String string(Expression e, String what) {
    Object v = foldable(e, what).eval(null);
    if (!(v instanceof UTF8String)) {
      throw SparkErrors.tableFunctionArgument(function, what, "a string", e.sql());
    }
    return v.toString();
  }

  long number(Expression e, String what) {
    Object v = foldable(e, what).eval(null);
    if (!(v instanceof Integer) && !(v instanceof Long)) {
      throw SparkErrors.tableFunctionArgument(function, what, "an integer", e.sql());
    }
    return ((Number) v).longValue();
  }
}
