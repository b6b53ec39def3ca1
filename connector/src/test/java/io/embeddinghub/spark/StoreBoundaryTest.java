package io.embeddinghub.spark;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.embeddinghub.EmbeddingHubException;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The connector reaches the store only through the store's public API ({@code io.embeddinghub})
 * and its engine API ({@code io.embeddinghub.engine}); every other store package is internal
 * (docs/ARCHITECTURE.md). Checked on the compiled classes, main and test, so a call through a
 * returned internal type counts as much as an import.
 */
@Tag("slow")
class StoreBoundaryTest {
  /** Packages of the store a module outside it may depend on. */
  static final String[] STORE_API = {"io.embeddinghub", "io.embeddinghub.engine"};

  /** Classes of {@code pkg} (and below) may use no store package but the public and engine APIs. */
  static ArchRule onlyStoreApis(String pkg) {
    return classes().that().resideInAPackage(pkg + "..")
        .should().onlyDependOnClassesThat(
            resideOutsideOfPackage("io.embeddinghub..")
                .or(resideInAnyPackage(STORE_API))
                .or(resideInAnyPackage(pkg + "..", "io.embeddinghub.testing..")))
        .because("the store's other packages are internal: an engine uses io.embeddinghub.engine");
  }

  @Test
  void theConnectorUsesOnlyThePublicAndEngineApisOfTheStore() {
    JavaClasses connector = new ClassFileImporter().importPackages("io.embeddinghub.spark");
    onlyStoreApis("io.embeddinghub.spark").check(connector);
  }

  /** Outside {@code errors}, no class of {@code pkg} builds an EmbeddingHub exception itself. */
  static ArchRule errorsBuiltOnlyBy(String pkg, String errors) {
    return noClasses().that().resideInAPackage(pkg + "..").and().doNotHaveFullyQualifiedName(errors)
        .should().callConstructorWhere(
            target(owner(assignableTo(EmbeddingHubException.class))).as("an EmbeddingHubException is constructed"))
        .because("a module's messages are built in one place (" + errors + ")");
  }

  @Test
  void theConnectorBuildsItsErrorsInSparkErrorsOnly() {
    JavaClasses connector = new ClassFileImporter().importPackages("io.embeddinghub.spark");
    errorsBuiltOnlyBy("io.embeddinghub.spark", SparkErrors.class.getName()).check(connector);
    assertThatThrownBy(() -> errorsBuiltOnlyBy("io.embeddinghub.spark", "none").check(connector))
        .as("the rule sees SparkErrors' own constructions")
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("SparkErrors");
  }

  @Test
  void theRuleCatchesADependencyOnAStoreInternal() {
    // the engine API itself is built on the internals: the same rule must reject it
    JavaClasses engine = new ClassFileImporter().importPackages("io.embeddinghub.engine");
    assertThatThrownBy(() -> onlyStoreApis("io.embeddinghub.engine").check(engine))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("io.embeddinghub.table.");
  }
}
