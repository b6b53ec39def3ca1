package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.Space;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.junit.jupiter.api.Test;

/**
 * {@code CALL} through the session extensions (Spark 3.5, the {@code procedures-extension} shim):
 * a call runs once, when {@code sql()} returns, as Spark's own commands do; its arguments bind as
 * Spark 4's {@code CALL} binds them; a {@code CALL} that is not on an EmbeddingHub catalog stays
 * Spark's (a syntax error on 3.5).
 */
class SparkCallExtensionTest {
  private static final int DIMS = 4;

  private final SparkSession spark = SharedSpark.session();

  private Space newSpace(String name, int rows) {
    Space space = EmbeddingHub.open(SharedSpark.catalogRoot()).createSpace(name, DIMS);
    space.multiset(SparkDistributedOpsTest.clustered(new Random(7), rows, DIMS));
    return space;
  }

  @Test
  void aCallRunsOnceWhenSqlReturnsAndItsRowIsWhatItDid() {
    String name = "once_" + System.nanoTime();
    Space space = newSpace(name, 500);
    long before = space.version();
    assertThat(space.unindexedRows()).isEqualTo(500);

    Dataset<Row> call = spark.sql("call hub.SYSTEM.Build_Index('" + name + "')"); // names are case-insensitive
    assertThat(space.version()).as("the index build committed before any action").isEqualTo(before + 1);
    assertThat(space.unindexedRows()).isZero();
    List<Row> first = call.collectAsList();
    List<Row> second = call.collectAsList();
    assertThat(space.version()).as("collecting the result does not run it again").isEqualTo(before + 1);
    assertThat(first).isEqualTo(second).hasSize(1);
    assertThat(first.get(0).getLong(0)).isEqualTo(space.version());
    assertThat(first.get(0).getInt(1)).isEqualTo(space.indexPartitions().size());
    assertThat(first.get(0).getLong(2)).isEqualTo(500);
    assertThat(call.columns()).containsExactly("version", "partitions_added", "rows_indexed", "seconds");
  }

  @Test
  void argumentsBindPositionallyThenByNameWithDefaultsAndConstantExpressions() {
    String name = "args_" + System.nanoTime();
    Space space = newSpace(name, 10);
    space.multiset(SparkDistributedOpsTest.clustered(new Random(8), 10, DIMS));
    // all_versions => NOT false: a constant expression; vacuum's retention from an integer
    Row all = spark.sql("CALL hub.system.verify('" + name + "', all_versions => NOT false)").first();
    assertThat(all.getBoolean(0)).isTrue();
    assertThat(all.getInt(1)).as("versions checked, as the embedded verifyAll").isEqualTo(space.verifyAll().versions().size())
        .isGreaterThan(1);
    assertThat(all.getLong(2)).isEqualTo(space.verifyAll().filesChecked());
    Row latest = spark.sql("CALL hub.system.verify(space => '" + name + "')").first();
    assertThat(latest.getInt(1)).isEqualTo(1);
    assertThat(latest.getLong(2)).isEqualTo(space.verify().filesChecked());
    Row dry = spark.sql("CALL hub.system.vacuum('" + name + "', 200, dry_run => true);").first();
    assertThat(dry.getBoolean(3)).isTrue();
    assertThat(dry.getInt(0)).isZero();
  }

  @Test
  void argumentsThatDoNotFitAreRefusedNamingTheProblem() {
    String call = "CALL hub.system.vacuum(";
    assertThatThrownBy(() -> spark.sql(call + "dry_run => true, 's')"))
        .hasMessageContaining("a positional argument after a named one: 's'");
    assertThatThrownBy(() -> spark.sql(call + "'s', retention => 1.0)"))
        .hasMessageContaining("no parameter retention; parameters: [space, retention_hours, dry_run]");
    assertThatThrownBy(() -> spark.sql(call + "'s', 1.0, dry_run => true, dry_run => false)"))
        .hasMessageContaining("parameter dry_run given twice");
    assertThatThrownBy(() -> spark.sql(call + "'s', 1.0, true, 4)"))
        .hasMessageContaining("takes 3 arguments, got 4");
    assertThatThrownBy(() -> spark.sql(call + "'s', dry_run => 'yes')"))
        .hasMessageContaining("dry_run must be BOOLEAN, got 'yes' (STRING)");
    assertThatThrownBy(() -> spark.sql(call + "'s', retention_hours => rand())"))
        .hasMessageContaining("retention_hours must be a constant");
    assertThatThrownBy(() -> spark.sql(call + "retention_hours => 1.0)"))
        .hasMessageContaining("missing argument space");
    assertThatThrownBy(() -> spark.sql("CALL hub.system.reindex('s')"))
        .hasMessageContaining("Unknown procedure system.reindex in catalog 'hub'")
        .hasMessageContaining("system.build_index");
  }

  @Test
  void aCallOnAnotherCatalogIsLeftToSparksParser() {
    assertThatThrownBy(() -> spark.sql("CALL spark_catalog.system.verify('s')"))
        .isInstanceOf(ParseException.class);
    assertThatThrownBy(() -> spark.sql("CALL no_such_catalog.system.verify('s')"))
        .isInstanceOf(ParseException.class);
  }
}
