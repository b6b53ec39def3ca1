package io.embeddinghub.spark;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.parser.ParserInterface;
import scala.runtime.AbstractFunction2;

/**
 * {@code CALL} on Spark 3.5 (the {@code procedures-extension} shim), which has neither the
 * statement nor a procedure API: the session extensions put {@link CallParser} in front of Spark's
 * parser, so {@code CALL <catalog>.system.<procedure>(…)} on an EmbeddingHub catalog runs the same
 * {@link ProcedureSpec} as Spark 4's own {@code CALL} does.
 */
final class ProcedureSupport {
  private ProcedureSupport() {}

  static void install(SparkSessionExtensions extensions) {
    extensions.injectParser(new AbstractFunction2<SparkSession, ParserInterface, ParserInterface>() {
      @Override
      public ParserInterface apply(SparkSession spark, ParserInterface delegate) {
        return new CallParser(spark, delegate);
      }
    });
  }
}
