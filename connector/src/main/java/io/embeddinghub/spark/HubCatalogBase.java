package io.embeddinghub.spark;

import io.embeddinghub.InvalidInputException;
import io.embeddinghub.SpaceAlreadyExistsException;
import io.embeddinghub.SpaceNotFoundException;
import io.embeddinghub.SpaceSpec;
import io.embeddinghub.VersionNotFoundException;
import io.embeddinghub.engine.EngineSpace;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchFunctionException;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.connector.catalog.FunctionCatalog;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The SQL catalog without its procedures: everything of {@link EmbeddingHubCatalog} but the binding
 * of {@code CALL}, which differs per Spark line (a shim: {@code procedures-native} implements
 * Spark's {@code ProcedureCatalog}, 4.0+; {@code procedures-extension} serves {@code CALL} through
 * the session extensions, 3.5). Store errors become Spark's catalog exceptions here, at the boundary.
 */
abstract class HubCatalogBase implements TableCatalog, FunctionCatalog {
  private String name;
  /** The configured hub, or null for a catalog that only takes path identifiers. */
  private HubRef hub;

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
    String path = options.get(SparkOptions.PATH);
    if (path != null && !path.isBlank()) {
      this.hub = new HubRef(path, SparkSession.active().sessionState().newHadoopConf());
    }
  }

  /**
   * The hub of an identifier: {@code <catalog>.<space>} is a space of the configured hub;
   * {@code <catalog>.`<hub root>`.<space>} (what DataFrame reads and writes use) names its hub.
   */
  private HubRef hubOf(Identifier ident) {
    if (ident.namespace().length == 1) {
      return new HubRef(ident.namespace()[0], SparkSession.active().sessionState().newHadoopConf());
    }
    if (ident.namespace().length > 1) {
      throw SparkErrors.tooManyNameParts(name, ident);
    }
    if (hub == null) {
      throw SparkErrors.catalogWithoutPath(name, "");
    }
    return hub;
  }

  private static boolean isPathIdentifier(Identifier ident) {
    return ident.namespace().length == 1;
  }

  @Override
  public boolean tableExists(Identifier ident) {
    try {
      return hubOf(ident).engine().exists(ident.name());
    } catch (InvalidInputException e) {
      return false;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length > 0 || hub == null) {
      throw new NoSuchNamespaceException(namespace);
    }
    List<String> spaces = hub.engine().spaces();
    return spaces.stream().map(s -> Identifier.of(new String[0], s)).toArray(Identifier[]::new);
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    return table(ident, null, null);
  }

  @Override
  public Table loadTable(Identifier ident, String version) throws NoSuchTableException {
    return table(ident, SparkOptions.parseVersion(version), null);
  }

  @Override
  public Table loadTable(Identifier ident, long timestampMicros) throws NoSuchTableException {
    return table(ident, null, Instant.EPOCH.plus(timestampMicros, ChronoUnit.MICROS));
  }

  private Table table(Identifier ident, Long version, Instant time) throws NoSuchTableException {
    String space = ident.name();
    HubRef hub = hubOf(ident);
    if (isPathIdentifier(ident) && version == null && time == null) {
      // a DataFrame write may be about to create the space; reads fail clearly when it is absent
      return new SparkSpaceTable(hub, space, Map.of(), null, null);
    }
    try {
      EngineSpace engine = hub.engine().space(space);
      if (version != null) {
        engine.at(version); // fail now, with the retained range, if the version does not exist
      }
      if (time != null) {
        engine.asOf(time);
      }
    } catch (SpaceNotFoundException | InvalidInputException e) {
      throw new NoSuchTableException(ident);
    } catch (VersionNotFoundException e) {
      throw e;
    }
    return new SparkSpaceTable(hub, space, Map.of(), version, time);
  }

  @Override
  @SuppressWarnings("deprecation")
  public Table createTable(Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties)
      throws TableAlreadyExistsException {
    String space = ident.name();
    HubRef hub = hubOf(ident);
    if (partitions.length > 0) {
      throw SparkErrors.partitionedBy();
    }
    if (isPathIdentifier(ident)) {
      // df.write() with errorifexists / ignore: the write creates the space from its options
      if (hub.engine().exists(space)) {
        throw new TableAlreadyExistsException(ident);
      }
      return new SparkSpaceTable(hub, space, Map.of(), null, null);
    }
    checkSchema(schema);
    SparkOptions options = SparkOptions.of(hub.root(), space, properties);
    Integer dims = options.dimensions();
    if (dims == null) {
      throw SparkErrors.createWithoutDimensions(name + "." + space);
    }
    SpaceSpec spec = options.specFor(dims);
    try {
      hub.engine().create(spec);
    } catch (SpaceAlreadyExistsException e) {
      throw new TableAlreadyExistsException(ident);
    }
    return new SparkSpaceTable(hub, space, Map.of(), null, null);
  }

  private static void checkSchema(StructType schema) {
    boolean ok =
        schema.fields().length == 2
            && schema.fields()[0].name().equalsIgnoreCase(SparkSchemas.KEY)
            && schema.fields()[0].dataType().equals(DataTypes.StringType)
            && schema.fields()[1].name().equalsIgnoreCase(SparkSchemas.EMBEDDING)
            && schema.fields()[1].dataType() instanceof ArrayType array
            && array.elementType().equals(DataTypes.FloatType);
    if (!ok) {
      throw SparkErrors.badTableSchema(schema.toDDL());
    }
  }

  /** {@code bucket(numBuckets, key)}, which the partitioning reported by scans refers to. */
  @Override
  public Identifier[] listFunctions(String[] namespace) {
    return new Identifier[] {Identifier.of(new String[0], BucketFunction.NAME)};
  }

  @Override
  public UnboundFunction loadFunction(Identifier ident) throws NoSuchFunctionException {
    if (ident.name().equalsIgnoreCase(BucketFunction.NAME)) {
      return new BucketFunction();
    }
    throw new NoSuchFunctionException(ident);
  }

  /**
   * The procedure {@code system.<name>} ({@link ProcedureSpec#all()}), for {@code CALL}; fails,
   * naming the procedures there are, for any other identifier.
   */
  final ProcedureSpec procedure(Identifier ident) {
    procedureHub();
    Map<String, ProcedureSpec> procedures = ProcedureSpec.all();
    if (ident.namespace().length == 1 && ident.namespace()[0].equalsIgnoreCase("system")) {
      ProcedureSpec procedure = procedures.get(ident.name().toLowerCase(java.util.Locale.ROOT));
      if (procedure != null) {
        return procedure;
      }
    }
    throw SparkErrors.unknownProcedure(ident, name, procedures.keySet());
  }

  /** The hub procedures run on: the configured one (a path-only catalog has none). */
  final HubRef procedureHub() {
    if (hub == null) {
      throw SparkErrors.catalogWithoutPath(name, " for procedures");
    }
    return hub;
  }

  /** The procedures' identifiers, {@code system.<name>}, sorted. */
  static Identifier[] procedureIdentifiers() {
    return ProcedureSpec.all().keySet().stream().sorted()
        .map(n -> Identifier.of(new String[] {"system"}, n)).toArray(Identifier[]::new);
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw SparkErrors.alterNotSupported();
  }

  @Override
  public boolean dropTable(Identifier ident) {
    try {
      hubOf(ident).engine().drop(ident.name());
      return true;
    } catch (SpaceNotFoundException | InvalidInputException e) {
      return false;
    }
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw SparkErrors.renameNotSupported();
  }
}
