package io.embeddinghub.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Spark's parser with {@code CALL [<catalog>.]system.<procedure>(<arguments>)} on an EmbeddingHub
 * catalog in front (Spark 3.5, the {@code procedures-extension} shim). Arguments are as on Spark 4:
 * positional, then named ({@code name => value}); each value a constant expression, which Spark's
 * parser parses. Parameters left out take their default ({@link ProcedureSpec.Parameter}). Any
 * other statement, and a {@code CALL} on another catalog, goes to Spark's parser unchanged.
 */
final class CallParser extends DelegatingParser {
  private static final Pattern CALL =
      Pattern.compile("\\s*CALL\\s+([^(]+?)\\s*\\((.*)\\)\\s*;?\\s*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern NAMED = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=>(.*)", Pattern.DOTALL);

  private final SparkSession spark;

  CallParser(SparkSession spark, ParserInterface delegate) {
    super(delegate);
    this.spark = spark;
  }

  @Override
  public LogicalPlan parsePlan(String sql) throws ParseException {
    Matcher m = CALL.matcher(sql);
    if (!m.matches()) {
      return delegate.parsePlan(sql);
    }
    List<String> parts = new ArrayList<>(
        ScalaCollections.asJava(delegate.parseMultipartIdentifier(m.group(1))));
    if (parts.size() == 2) {
      parts.add(0, spark.sessionState().catalogManager().currentCatalog().name());
    }
    if (parts.size() != 3 || !spark.sessionState().catalogManager().isCatalogRegistered(parts.get(0))) {
      return delegate.parsePlan(sql); // not ours: Spark reports CALL as it does
    }
    CatalogPlugin plugin = spark.sessionState().catalogManager().catalog(parts.get(0));
    if (!(plugin instanceof HubCatalogBase catalog)) {
      return delegate.parsePlan(sql);
    }
    ProcedureSpec spec = catalog.procedure(Identifier.of(new String[] {parts.get(1)}, parts.get(2)));
    String name = String.join(".", parts);
    return new CallCommand(name, spec, catalog.procedureHub(), bind(name, spec, splitArguments(name, m.group(2))));
  }

  /** The input row of a call: every parameter's value, in parameter order, defaults applied. */
  private GenericInternalRow bind(String call, ProcedureSpec spec, List<String> arguments) throws ParseException {
    Map<String, String> given = new LinkedHashMap<>();
    boolean named = false;
    for (int i = 0; i < arguments.size(); i++) {
      Matcher m = NAMED.matcher(arguments.get(i));
      String parameter;
      String value;
      if (m.matches()) {
        named = true;
        parameter = m.group(1).toLowerCase(Locale.ROOT);
        value = m.group(2);
      } else if (named) {
        throw SparkErrors.badCallArguments(call, "a positional argument after a named one: " + arguments.get(i).trim());
      } else if (i >= spec.parameters().size()) {
        throw SparkErrors.badCallArguments(call, "takes " + spec.parameters().size() + " arguments, got " + arguments.size());
      } else {
        parameter = spec.parameters().get(i).name();
        value = arguments.get(i);
      }
      if (spec.parameters().stream().noneMatch(p -> p.name().equals(parameter))) {
        throw SparkErrors.badCallArguments(call, "no parameter " + parameter + "; parameters: "
            + spec.parameters().stream().map(ProcedureSpec.Parameter::name).toList());
      }
      if (given.put(parameter, value) != null) {
        throw SparkErrors.badCallArguments(call, "parameter " + parameter + " given twice");
      }
    }
    Object[] values = new Object[spec.parameters().size()];
    for (int i = 0; i < values.length; i++) {
      ProcedureSpec.Parameter p = spec.parameters().get(i);
      String value = given.containsKey(p.name()) ? given.get(p.name()) : p.defaultValue();
      if (value == null) {
        throw SparkErrors.badCallArguments(call, "missing argument " + p.name());
      }
      values[i] = constant(call, p, delegate.parseExpression(value.trim()));
    }
    return new GenericInternalRow(values);
  }

  /** The value of a constant argument as the parameter's type (Spark's internal representation). */
  private static Object constant(String call, ProcedureSpec.Parameter p, Expression e) {
    if (!e.resolved() || !e.foldable()) {
      throw SparkErrors.badCallArguments(call, p.name() + " must be a constant, got " + e.sql());
    }
    Object v = e.eval(null);
    DataType type = p.type();
    if (v == null) {
      return null;
    }
    if (type instanceof StringType && v instanceof UTF8String) {
      return v;
    }
    if (type instanceof BooleanType && v instanceof Boolean) {
      return v;
    }
    if (type instanceof DoubleType && (v instanceof Number || v instanceof Decimal)) {
      return v instanceof Decimal d ? d.toDouble() : ((Number) v).doubleValue();
    }
    throw SparkErrors.badCallArguments(
        call, p.name() + " must be " + type.sql() + ", got " + e.sql() + " (" + e.dataType().sql() + ")");
  }

  /** The arguments' texts: split at commas outside quotes, backticks and parentheses. */
  private static List<String> splitArguments(String call, String text) {
    List<String> arguments = new ArrayList<>();
    if (text.isBlank()) {
      return arguments;
    }
    int depth = 0;
    char quote = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == '\\' && quote != '`') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        arguments.add(text.substring(start, i));
        start = i + 1;
      }
    }
    if (quote != 0 || depth != 0) {
      throw SparkErrors.badCallArguments(call, "unbalanced quotes or parentheses in (" + text + ")");
    }
    arguments.add(text.substring(start));
    return arguments;
  }
}
