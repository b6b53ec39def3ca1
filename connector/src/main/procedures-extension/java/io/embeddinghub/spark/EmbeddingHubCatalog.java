package io.embeddinghub.spark;

/**
 * The SQL catalog: {@code spark.sql.catalog.hub = io.embeddinghub.spark.EmbeddingHubCatalog},
 * {@code spark.sql.catalog.hub.path = <hub root>}; every space of the hub is a table
 * {@code hub.<space>}. Spark 3.5 has no procedure API: {@code CALL hub.system.<procedure>(…)} comes
 * through the session extensions ({@link CallParser}; the {@code procedures-extension} shim).
 */
public final class EmbeddingHubCatalog extends HubCatalogBase {}
