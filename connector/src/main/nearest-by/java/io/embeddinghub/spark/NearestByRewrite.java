package io.embeddinghub.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.embeddinghub.KeyFilter;
import io.embeddinghub.Metric;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.engine.EngineSnapshot;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GetStructField;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.VectorCosineSimilarity;
import org.apache.spark.sql.catalyst.expressions.VectorInnerProduct;
import org.apache.spark.sql.catalyst.expressions.VectorL2Distance;
import org.apache.spark.sql.catalyst.plans.JoinType;
import org.apache.spark.sql.catalyst.plans.LeftOuter$;
import org.apache.spark.sql.catalyst.plans.NearestByDistance$;
import org.apache.spark.sql.catalyst.plans.NearestBySimilarity$;
import org.apache.spark.sql.catalyst.plans.logical.Filter;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.NearestByJoin;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.plans.logical.SubqueryAlias;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.classic.ExpressionUtils$;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.execution.datasources.v2.DataSourceV2Relation;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractPartialFunction;

/**
 * Rewrites Spark's nearest-neighbor join whose right side is an EmbeddingHub space,
 * {@code q JOIN space s APPROX NEAREST k BY DISTANCE vector_l2_distance(q.v, s.embedding)}, into
 * the index probe: every query is fanned out to the space's buckets, each bucket's task searches
 * its indexes and emits a local top-k, and a window keeps each query's global best k. Spark's own
 * plan for the join is a cross product of queries and vectors feeding a {@code min_by}.
 *
 * <p>The output is the join's (the query row's columns, then the space's {@code key, embedding},
 * the same attributes), at most k rows per query, nearest first and ties by key; with {@code LEFT
 * OUTER JOIN} a query without a match keeps one row of nulls. Embeddings are looked up only for
 * the k winners, and only when the query uses the column.
 *
 * <p>Applies when the ranking function matches the space's metric ({@code vector_l2_distance} BY
 * DISTANCE on an {@code l2} space, {@code vector_cosine_similarity} BY SIMILARITY on a {@code
 * cosine} one, {@code vector_inner_product} BY SIMILARITY on an {@code inner_product} one), one
 * argument is the space's embedding column and the other uses only the query side. The space side
 * may carry a {@code WHERE} on the key ({@code (SELECT * FROM hub.s WHERE key IN (SELECT key FROM
 * products WHERE in_stock)) s}, a prefix, a range; {@link KeyConditionFilter}): the probe then answers
 * each query with exactly {@code min(k, matching rows)}. {@code EXACT NEAREST} is rewritten into an
 * exact distributed scan (each bucket's live rows ranked exactly per query, no cross product).
 * Other right sides (a predicate on another column) and {@code
 * spark.embeddinghub.nearestBy.rewrite=false} keep Spark's plan. The relation option {@code ef} ({@code hub.s WITH ('ef' = '128')}) sets the search's ef.
 */
final class NearestByRewrite extends Rule<LogicalPlan> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NearestByRewrite.class);
  static final String ENABLED = "spark.embeddinghub.nearestBy.rewrite";
  private static final String QUERY_ID = "__qid";
  private static final String QUERY_ROW = "__query_row";
  private static final String QUERY_VECTOR = "__query_vector";
  private static final String RANK = "__rank";

  private final SparkSession spark;

  NearestByRewrite(org.apache.spark.sql.SparkSession spark) {
    this.spark = (SparkSession) spark;
  }

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    if (!Boolean.parseBoolean(spark.conf().get(ENABLED, "true"))) {
      return plan;
    }
    return plan.resolveOperatorsUp(
        new AbstractPartialFunction<LogicalPlan, LogicalPlan>() {
          @Override
          public boolean isDefinedAt(LogicalPlan node) {
            return node instanceof NearestByJoin join && Probe.of(join) != null;
          }

          @Override
          public <A1 extends LogicalPlan, B1> B1 applyOrElse(A1 node, scala.Function1<A1, B1> fallback) {
            if (node instanceof NearestByJoin join) {
              Probe probe = Probe.of(join);
              if (probe != null) {
                KeyFilter filter;
                try {
                  filter = KeyConditionFilter.of(probe.conditions(), probe.key(), spark, EmbeddingHubSpark.MAX_ALLOWED_KEYS);
                } catch (KeyConditionFilter.TooManyKeys e) {
                  LOG.warn("The space side's key subquery returns more than {} keys: Spark's own plan runs the join",
                      EmbeddingHubSpark.MAX_ALLOWED_KEYS);
                  return fallback.apply(node);
                }
                @SuppressWarnings("unchecked")
                B1 rewritten = (B1) rewrite(join, probe, filter, usesEmbedding(plan, probe));
                return rewritten;
              }
            }
            return fallback.apply(node);
          }
        });
  }

  /** What the rewrite needs from a join it applies to. */
  private record Probe(SparkSpaceTable table, DataSourceV2Relation relation, Expression queryVector,
      Attribute key, Attribute embedding, List<Expression> conditions) {

    /** The probe for {@code join}, or null when the join is not one this rule rewrites. */
    static Probe of(NearestByJoin join) {
      if (!join.resolved()) {
        return null;
      }
      LogicalPlan right = join.right();
      List<Expression> conditions = new ArrayList<>();
      while (true) { // aliases, a WHERE on the space, and projections that pass its columns through
        if (right instanceof SubqueryAlias alias) {
          right = alias.child();
        } else if (right instanceof Filter filter) {
          conditions.add(filter.condition());
          right = filter.child();
        } else if (right instanceof Project project && project.projectList().equals(project.child().output())) {
          right = project.child();
        } else {
          break;
        }
      }
      if (!(right instanceof DataSourceV2Relation relation) || !(relation.table() instanceof SparkSpaceTable table)) {
        return null;
      }
      List<? extends Attribute> out = CollectionConverters.asJava(relation.output());
      Attribute key = out.get(0);
      Attribute embedding = out.get(1);
      if (!KeyConditionFilter.understands(conditions, key)) {
        return null; // a predicate on anything but the key: Spark's plan
      }
      Expression ranking = join.rankingExpression();
      Metric metric = metricOf(ranking, join);
      if (metric == null || ranking.children().size() != 2) {
        return null;
      }
      Expression first = ranking.children().apply(0);
      Expression second = ranking.children().apply(1);
      Expression query = isColumn(first, embedding) ? second : isColumn(second, embedding) ? first : null;
      if (query == null || !query.references().subsetOf(join.left().outputSet())) {
        return null;
      }
      SpaceSpec spec = table.specIfExists();
      if (spec == null || spec.metric() != metric) {
        return null;
      }
      return new Probe(table, relation, query, key, embedding, conditions);
    }

    private static boolean isColumn(Expression e, Attribute column) {
      return e instanceof Attribute a && a.exprId().equals(column.exprId());
    }

    /** The metric whose order the ranking function and direction give, or null. */
    private static Metric metricOf(Expression ranking, NearestByJoin join) {
      boolean byDistance = join.direction() == NearestByDistance$.MODULE$;
      boolean bySimilarity = join.direction() == NearestBySimilarity$.MODULE$;
      if (ranking instanceof VectorL2Distance && byDistance) {
        return Metric.L2;
      }
      if (ranking instanceof VectorCosineSimilarity && bySimilarity) {
        return Metric.COSINE;
      }
      if (ranking instanceof VectorInnerProduct && bySimilarity) {
        return Metric.INNER_PRODUCT;
      }
      return null;
    }
  }

  /**
   * Whether the statement reads the space's embedding column: its result has it, or an operator
   * other than a nearest-neighbor join (whose ranking the probe computes) refers to it.
   */
  private static boolean usesEmbedding(LogicalPlan plan, Probe probe) {
    if (plan.outputSet().contains(probe.embedding())) {
      return true;
    }
    List<LogicalPlan> pending = new ArrayList<>(List.of(plan));
    while (!pending.isEmpty()) {
      LogicalPlan node = pending.remove(pending.size() - 1);
      if (!(node instanceof NearestByJoin) && node.references().contains(probe.embedding())) {
        return true;
      }
      pending.addAll(CollectionConverters.asJava(node.children()));
    }
    return false;
  }

  private LogicalPlan rewrite(NearestByJoin join, Probe probe, KeyFilter filter, boolean withEmbeddings) {
    SparkSpaceTable table = probe.table();
    EngineSnapshot state = table.stateFor(probe.relation().options());
    int buckets = state.spec().buckets();
    boolean outer = join.joinType() == (JoinType) LeftOuter$.MODULE$;
    DistributedSearchOptions relationOptions = SparkOptions.searchOptions(probe.relation().options());
    // EXACT NEAREST: every bucket's rows scanned exactly, one task per bucket and query partition
    SearchOptions each = join.approx() ? relationOptions.search() : SearchOptions.exactSearch();
    DistributedSearchOptions options =
        new DistributedSearchOptions(filter == null ? each : each.withFilter(filter), relationOptions.queryPartitions());
    int units = BucketSearch.units(state, options.search());
    int queryPartitions = options.queryPartitionsFor(units, spark.sparkContext().defaultParallelism());

    List<Attribute> leftColumns = CollectionConverters.asJava(join.left().output());
    List<Column> carried = new ArrayList<>();
    for (int i = 0; i < leftColumns.size(); i++) {
      carried.add(column(leftColumns.get(i)).as("c" + i));
    }
    Dataset<Row> queries =
        org.apache.spark.sql.classic.Dataset.ofRows(spark, join.left())
            .select(
                functions.monotonically_increasing_id().as(QUERY_ID),
                column(probe.queryVector()).cast(DataTypes.createArrayType(DataTypes.FloatType)).as(QUERY_VECTOR),
                lit(null).cast(DataTypes.StringType).as("exclude"),
                functions.struct(carried.toArray(Column[]::new)).as(QUERY_ROW));
    StructType queryRow = (StructType) queries.schema().apply(QUERY_ROW).dataType();
    Dataset<Row> fannedOut = BucketRouting.fanOut(queries, QUERY_ID, state, options.search(), units, queryPartitions);
    StructType local =
        new StructType()
            .add(QUERY_ID, DataTypes.LongType, false)
            .add("key", DataTypes.StringType, true)
            .add("distance", DataTypes.FloatType, true)
            .add(QUERY_ROW, queryRow, false);
    BucketSearch search = BucketSearch.forJoin(table.hub(), state, join.numResults(), options.search(), outer, table.name());
    Dataset<Row> candidates = fannedOut.mapPartitions(search, Encoders.row(local));
    Dataset<Row> best;
    if (!outer && state.oneUnitAnswers(options.search())) {
      // an inner join where one search unit answers each query: its candidates all come from one
      // task, at most k of them; nothing to merge, so no shuffle by query (an outer join's marker
      // rows still need the merge below)
      best = candidates.select(col("key"), col(QUERY_ROW));
    } else {
      // markers (null key) of queries without any match sort last: they survive only alone
      Column rank = row_number()
          .over(Window.partitionBy(col(QUERY_ID)).orderBy(col("key").isNull(), col("distance"), col("key")));
      best = candidates.withColumn(RANK, rank)
          .where(col(RANK).leq(join.numResults()).and(col("key").isNotNull().or(col(RANK).equalTo(1))))
          .select(col("key"), col(QUERY_ROW));
    }
    Dataset<Row> result;
    if (withEmbeddings) {
      StructType withVectors =
          new StructType()
              .add("key", DataTypes.StringType, true)
              .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true)
              .add(QUERY_ROW, queryRow, false);
      result =
          BucketRouting.byKeyBucket(best, buckets)
              .mapPartitions(new BucketLookup(table.hub(), state, MissingKeys.NULL), Encoders.row(withVectors));
    } else {
      result = best.select(col("key"), lit(null).cast(probe.embedding().dataType()).as("embedding"), col(QUERY_ROW));
    }
    return restoreAttributes(result.queryExecution().analyzed(), join, probe);
  }

  /** Projects the result onto the join's own output attributes (same ids, names and qualifiers). */
  private static LogicalPlan restoreAttributes(LogicalPlan result, NearestByJoin join, Probe probe) {
    List<Attribute> resultColumns = CollectionConverters.asJava(result.output());
    Attribute key = resultColumns.get(0);
    Attribute embedding = resultColumns.get(1);
    Attribute queryRow = resultColumns.get(2);
    List<NamedExpression> projection = new ArrayList<>();
    List<Attribute> leftColumns = CollectionConverters.asJava(join.left().output());
    for (int i = 0; i < leftColumns.size(); i++) {
      projection.add(as(new GetStructField(queryRow, i, Option.apply("c" + i)), leftColumns.get(i)));
    }
    projection.add(as(key, probe.key()));
    projection.add(as(embedding, probe.embedding()));
    return new Project(CollectionConverters.asScala(projection).toList(), result);
  }

  private static NamedExpression as(Expression value, Attribute original) {
    return new Alias(value, original.name(), original.exprId(), original.qualifier(), Option.apply(original.metadata()),
        CollectionConverters.asScala(List.<String>of()).toList());
  }

  private static Column column(Expression e) {
    return ExpressionUtils$.MODULE$.column(e);
  }
}
