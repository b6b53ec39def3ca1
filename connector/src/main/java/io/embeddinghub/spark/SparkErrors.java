package io.embeddinghub.spark;

import io.embeddinghub.CommitConflictException;
import io.embeddinghub.EmbeddingHubException;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.engine.Validation;
import java.util.Collection;

/**
 * Every exception the connector builds itself, in one place: each message names the offending
 * value and says what would be accepted. Input the store judges (keys, embeddings, space names,
 * queries) is checked by {@link Validation}, with the embedded API's messages.
 */
final class SparkErrors {
  private SparkErrors() {}

  /** {@code EmbeddingHubSpark.open} with a blank hub root. */
  static InvalidInputException blankHubRoot() {
    return new InvalidInputException("hubRoot must not be blank");
  }

  /** A DataFrame without a column the operation needs. */
  static InvalidInputException missingColumn(String what, String needed, Collection<String> columns) {
    return new InvalidInputException(what + " need " + needed + " column, got " + columns);
  }

  /** Option {@code key} with a value that is not {@code expected}. */
  static InvalidInputException badOption(String key, String value, String expected) {
    return new InvalidInputException("Option " + key + " must be " + expected + ", got " + Validation.quote(value));
  }

  /** A read or write without option {@code path}. */
  static InvalidInputException missingPath() {
    return new InvalidInputException(
        "Option 'path' (the hub root) is required: .option(\"path\", \"/data/hub\").option(\"space\", \"name\")");
  }

  /** A read or write without option {@code space} whose path names no space either. */
  static InvalidInputException missingSpace(String path) {
    return new InvalidInputException(
        "Option 'space' is required (or load(hubRoot + \"/\" + space)); got path '" + path + "'");
  }

  /** A read given both ways to pin a version. */
  static InvalidInputException twoVersionPins() {
    return new InvalidInputException("Give versionAsOf or timestampAsOf, not both");
  }

  /** A {@code timestampAsOf} that is not a time. */
  static InvalidInputException badTimestamp(String value) {
    return new InvalidInputException(
        "Cannot parse timestampAsOf '" + value
            + "': use an ISO-8601 instant (2026-11-25T10:15:30Z) or 'yyyy-MM-dd HH:mm:ss' (UTC)");
  }

  /** More allowed keys than the driver collects for a filtered search. */
  static InvalidInputException tooManyAllowedKeys(int max) {
    return new InvalidInputException("Allowed keys are collected to the driver, at most " + max
        + " distinct keys; got more: filter the table first, or search without a filter and join");
  }

  /** A key filter that does not parse or analyze as a predicate. */
  static InvalidInputException keyFilterInvalid(String predicate, String reason) {
    return new InvalidInputException("The key filter '" + predicate + "' is not a valid predicate on key: " + reason);
  }

  /** A key filter with a condition on something other than the key alone. */
  static InvalidInputException keyFilterNotOnKey(String predicate, String forms) {
    return new InvalidInputException("The key filter '" + predicate
        + "' has a condition that is not one on key alone; a key filter takes " + forms);
  }

  /** A key filter whose subquery returns more keys than the driver collects. */
  static InvalidInputException keyFilterTooManyKeys(String predicate, int max, String otherwise) {
    return new InvalidInputException("The subquery of the key filter '" + predicate + "' returns more than " + max
        + " distinct keys, the most collected to the driver: filter the table first, or " + otherwise);
  }

  /** A {@code multiget} key predicate that passes a range or prefix of keys rather than naming them. */
  static InvalidInputException multigetNotKeys(String predicate) {
    return new InvalidInputException("multiget: the key predicate '" + predicate + "' does not name its keys;"
        + " point reads need key = 'x', key IN ('x', ...) or key IN (SELECT ...) (joined by AND); for a range or"
        + " prefix read the space: SELECT * FROM <catalog>.<space> WHERE <predicate>");
  }

  /** {@code multiget} keys that are neither an array of strings nor a predicate. */
  static InvalidInputException multigetKeys(String sql, String type) {
    return new InvalidInputException("multiget: the keys must be an ARRAY of strings or a predicate on key as a string,"
        + " got " + sql + " (" + type + ")");
  }

  /** A {@code multiget} version that cannot be one. */
  static InvalidInputException multigetVersion(long version) {
    return new InvalidInputException("multiget: the version must be 0 or more, got " + version);
  }

  /** A query partition count out of range. */
  static InvalidInputException badQueryPartitions(int queryPartitions, int max) {
    return new InvalidInputException(
        "Invalid query partition count " + queryPartitions + ": must be in [0, " + max + "] (0 = one task per core)");
  }

  /** A null query vector, or one with a null element. */
  static InvalidInputException nullInQuery(int index) {
    return new InvalidInputException(
        index < 0 ? "Query vector must not be null" : "Query vector has a null at index " + index);
  }

  /** A query of a distributed search whose vector is null. */
  static InvalidInputException nullQueryVector(Object queryId) {
    return new InvalidInputException("Query " + queryId + " has a null vector");
  }

  /** A written row whose key is null. */
  static InvalidInputException nullKey(String space) {
    return new InvalidInputException("Key must not be null (space '" + space + "')");
  }

  /** A written row whose embedding is null ({@code index < 0}) or has a null element. */
  static InvalidInputException nullInEmbedding(String key, int index) {
    return new InvalidInputException(
        "Embedding for key " + Validation.quote(key)
            + (index < 0 ? " must not be null" : " has a null at index " + index));
  }

  /** A written DataFrame column of the wrong type. */
  static InvalidInputException badColumnType(String column, String expected, String actual) {
    return new InvalidInputException("Column '" + column + "' must be " + expected + ", got " + actual);
  }

  /** A written DataFrame without {@code key} or {@code embedding}. */
  static InvalidInputException missingWriteColumn(String name, String[] columns) {
    return new InvalidInputException(
        "The DataFrame has no column '" + name + "' (columns: " + String.join(", ", columns)
            + "); expected key STRING and embedding ARRAY<FLOAT>");
  }

  /** Option {@code dimensions} disagreeing with the existing space. */
  static InvalidInputException dimensionsOptionMismatch(int option, String space, int actual) {
    return new InvalidInputException("Option dimensions=" + option + " but space '" + space + "' has " + actual);
  }

  /** Rows of a write whose embeddings are not of the space's dimensions. */
  static InvalidInputException rowDimensionsMismatch(int rows, String space, int actual) {
    return new InvalidInputException("Embedding has " + rows + " dimensions; space '" + space + "' has " + actual);
  }

  /** The tasks of one write saw rows of different dimensions. */
  static InvalidInputException mixedDimensions(String space, Collection<Integer> dims) {
    return new InvalidInputException("Rows of one write to space '" + space + "' have different dimensions: " + dims);
  }

  /** An empty write that would create a space without knowing its dimensions. */
  static InvalidInputException emptyCreate(String space) {
    return new InvalidInputException(
        "Cannot create space '" + space + "' from an empty write without option 'dimensions'");
  }

  /** The space was re-created with other dimensions while the write ran. */
  static InvalidInputException recreatedWithOtherDimensions(String space, int actual, int wanted) {
    return new InvalidInputException(
        "Space '" + space + "' has " + actual + " dimensions but this write has " + wanted
            + " (its option dimensions or rows); the space was created or re-created while the write ran,"
            + " nothing was committed");
  }

  /** The space was re-created with other settings while the write ran. */
  static CommitConflictException recreatedWithOtherSettings(String space, String actual, String written) {
    return new CommitConflictException(
        "Space '" + space + "' changed while this write ran (created or re-created concurrently):"
            + " it has " + actual + ", the write's files were made for " + written
            + "; nothing was committed, retry the write");
  }

  /** A catalog identifier with a namespace. */
  static InvalidInputException tooManyNameParts(String catalog, Object ident) {
    return new InvalidInputException("Catalog '" + catalog + "': too many name parts in " + ident);
  }

  /** A catalog used without its hub root. */
  static InvalidInputException catalogWithoutPath(String catalog, String forWhat) {
    return new InvalidInputException(
        "Catalog '" + catalog + "' needs spark.sql.catalog." + catalog + ".path = <hub root>" + forWhat);
  }

  /** {@code CREATE TABLE ... PARTITIONED BY}. */
  static InvalidInputException partitionedBy() {
    return new InvalidInputException("Spaces are bucketed by key; PARTITIONED BY is not supported");
  }

  /** {@code CREATE TABLE} without {@code dimensions}. */
  static InvalidInputException createWithoutDimensions(String table) {
    return new InvalidInputException("CREATE TABLE " + table + " needs TBLPROPERTIES ('dimensions'='<n>')");
  }

  /** {@code CREATE TABLE} with another schema than a space's. */
  static InvalidInputException badTableSchema(String ddl) {
    return new InvalidInputException("A space's schema is (key STRING, embedding ARRAY<FLOAT>), got " + ddl);
  }

  /** {@code CALL} of a procedure the catalog does not have. */
  static InvalidInputException unknownProcedure(Object ident, String catalog, Collection<String> available) {
    return new InvalidInputException(
        "Unknown procedure " + ident + " in catalog '" + catalog + "': available: "
            + new java.util.TreeSet<>(available).stream().map(p -> "system." + p).toList());
  }

  /** A {@code CALL} whose arguments do not fit the procedure's parameters (Spark 3.5, where the extensions parse it). */
  static InvalidInputException badCallArguments(String procedure, String problem) {
    return new InvalidInputException("CALL " + procedure + ": " + problem);
  }

  /** A procedure called with a NULL space. */
  static InvalidInputException procedureWithoutSpace(String procedure) {
    return new InvalidInputException(procedure + " needs a space name, got NULL");
  }

  /** {@code vacuum} with a retention that is not a duration. */
  static InvalidInputException badRetentionHours(double hours) {
    return new InvalidInputException("vacuum's retention_hours must be a finite number >= 0, got " + hours);
  }

  /** {@code ALTER TABLE} on a space. */
  static EmbeddingHubException alterNotSupported() {
    return new EmbeddingHubException(
        "ALTER TABLE is not supported for spaces (dimensions, metric and buckets are fixed at creation);"
            + " fork or rewrite the space instead");
  }

  /** {@code RENAME} of a space. */
  static EmbeddingHubException renameNotSupported() {
    return new EmbeddingHubException(
        "RENAME is not supported for spaces (forks share files by path); fork to the new name and drop the old one");
  }

  /** A table-function call with the wrong number of arguments. */
  static InvalidInputException tableFunctionUsage(String usage, int arguments) {
    return new InvalidInputException("Usage: " + usage + "; got " + arguments + " arguments");
  }

  /** A table function's space not given as {@code <catalog>.<space>}. */
  static InvalidInputException tableFunctionSpace(String function, String table) {
    return new InvalidInputException(function + " needs '<catalog>.<space>', got '" + table + "'");
  }

  /** A table function's catalog that is not configured. */
  static InvalidInputException noSuchCatalog(String catalog) {
    return new InvalidInputException(
        "No EmbeddingHub catalog '" + catalog + "' (spark.sql.catalog." + catalog + ".path is not set)");
  }

  /** A {@code nearest_neighbors} query that is neither a vector nor a key. */
  static InvalidInputException tableFunctionQuery(String sql) {
    return new InvalidInputException("The query must be an ARRAY of numbers or a stored key, got " + sql);
  }

  /** A {@code nearest_neighbors} query vector of non-numbers. */
  static InvalidInputException queryElementType(String type) {
    return new InvalidInputException("Query vector elements must be numbers, got " + type);
  }

  /** A table-function argument of the wrong kind. */
  static InvalidInputException tableFunctionArgument(String function, String what, String mustBe, String sql) {
    return new InvalidInputException(function + ": " + what + " must be " + mustBe + ", got " + sql);
  }
}
