package io.embeddinghub.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/**
 * The CLI is a client of the store's public API ({@code io.embeddinghub}) and its engine API; every
 * other store package is internal (docs/ARCHITECTURE.md).
 */
class StoreBoundaryTest {
  @Test
  void theCliUsesOnlyThePublicAndEngineApisOfTheStore() {
    classes().that().resideInAPackage("io.embeddinghub.cli..")
        .should().onlyDependOnClassesThat(
            resideOutsideOfPackage("io.embeddinghub..")
                .or(resideInAnyPackage("io.embeddinghub", "io.embeddinghub.engine", "io.embeddinghub.cli..")))
        .because("the store's other packages are internal")
        .check(new ClassFileImporter().importPackages("io.embeddinghub.cli"));
  }
}
