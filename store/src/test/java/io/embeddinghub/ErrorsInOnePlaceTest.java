package io.embeddinghub;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget.ConstructorCallTarget;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import io.embeddinghub.internal.Errors;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every user-facing exception of the store is built by {@link Errors}, so its message names the
 * offending value in one consistent style. No other class of {@code io.embeddinghub..} calls a
 * constructor of one of the store's exception types; an exception class's own constructor calling
 * {@code super(...)} or {@code this(...)} is not a construction site.
 */
@Tag("slow") // imports and checks every class (ArchUnit), like StoreBoundaryTest
class ErrorsInOnePlaceTest {
  /** The store's user-facing exception types, by fully qualified name. */
  static final Set<String> EXCEPTIONS = Set.of(
      InvalidInputException.class.getName(),
      KeyNotFoundException.class.getName(),
      SpaceNotFoundException.class.getName(),
      SpaceAlreadyExistsException.class.getName(),
      VersionNotFoundException.class.getName(),
      CommitConflictException.class.getName(),
      CorruptFileException.class.getName(),
      UnsafeStoreException.class.getName(),
      EmbeddingHubException.class.getName());

  /** A class listed in {@code names}, or nested (at any depth) in one. */
  static DescribedPredicate<JavaClass> inOrNestedIn(Set<String> names, String description) {
    return DescribedPredicate.describe(description, c -> {
      JavaClass top = c;
      while (top.getEnclosingClass().isPresent()) {
        top = top.getEnclosingClass().get();
      }
      return names.contains(c.getName()) || names.contains(top.getName());
    });
  }

  /** A constructor call that builds one of {@link #EXCEPTIONS} (not a constructor's super/this call). */
  static final DescribedPredicate<JavaConstructorCall> BUILDS_A_STORE_EXCEPTION = DescribedPredicate.describe(
      "builds one of the store's exceptions", call -> {
        ConstructorCallTarget target = call.getTarget();
        JavaClass built = target.getOwner();
        if (!EXCEPTIONS.contains(built.getName())) {
          return false;
        }
        JavaClass caller = call.getOriginOwner();
        boolean chained = call.getOrigin().isConstructor()
            && (built.equals(caller) || caller.getRawSuperclass().map(built::equals).orElse(false));
        return !chained;
      });

  /** The rule, with classes matching {@code allowed} exempt. */
  static ArchRule errorsBuildTheExceptions(DescribedPredicate<JavaClass> allowed) {
    return noClasses().that().resideInAPackage("io.embeddinghub..")
        .and(not(inOrNestedIn(Set.of(Errors.class.getName()), "io.embeddinghub.internal.Errors")))
        .and(not(allowed))
        .should().callConstructorWhere(BUILDS_A_STORE_EXCEPTION)
        .because("user-facing exceptions are built by io.embeddinghub.internal.Errors (one message style)");
  }

  static final DescribedPredicate<JavaClass> NONE = DescribedPredicate.describe("none", c -> false);

  @Test
  void onlyErrorsBuildsTheStoresExceptions() {
    JavaClasses store = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.embeddinghub");
    errorsBuildTheExceptions(NONE).check(store);
  }

  @Test
  void theRuleCatchesAClassThatBuildsItsOwnException() {
    JavaClasses offender = new ClassFileImporter().importClasses(BuildsItsOwnMessage.class);
    assertThatThrownBy(() -> errorsBuildTheExceptions(NONE).check(offender))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("BuildsItsOwnMessage")
        .hasMessageContaining("InvalidInputException.<init>");
  }

  /** What the rule forbids: a message built outside Errors. */
  static final class BuildsItsOwnMessage {
    static InvalidInputException bad(int k) {
      return new InvalidInputException("k is " + k);
    }
  }

  @Test
  void anExceptionsOwnConstructorsAreNotSites() {
    // CorruptFileException calls super(...) of EmbeddingHubException; Errors builds them all
    JavaClasses classes = new ClassFileImporter().importClasses(
        CorruptFileException.class, VersionNotFoundException.class, EmbeddingHubException.class, Errors.class);
    errorsBuildTheExceptions(NONE).check(classes);
  }
}
