package io.embeddinghub.spark;

import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.ProcedureCatalog;
import org.apache.spark.sql.connector.catalog.procedures.UnboundProcedure;

/**
 * The SQL catalog: {@code spark.sql.catalog.hub = io.embeddinghub.spark.EmbeddingHubCatalog},
 * {@code spark.sql.catalog.hub.path = <hub root>}; every space of the hub is a table
 * {@code hub.<space>}, and Spark's own {@code CALL hub.system.<procedure>(…)} runs the procedures
 * ({@link ProcedureSpec}; Spark 4.0+, the {@code procedures-native} shim).
 */
public final class EmbeddingHubCatalog extends HubCatalogBase implements ProcedureCatalog {
  /** {@code system.build_index}, {@code optimize}, {@code vacuum} and {@code verify}: {@code CALL <catalog>.system.optimize('space')}. */
  @Override
  public UnboundProcedure loadProcedure(Identifier ident) {
    ProcedureSpec spec = procedure(ident);
    return new SpaceProcedure(spec, procedureHub());
  }

  // no @Override: ProcedureCatalog declares it from Spark 4.1 on (4.0 has only loadProcedure)
  public Identifier[] listProcedures(String[] namespace) {
    return procedureIdentifiers();
  }
}
