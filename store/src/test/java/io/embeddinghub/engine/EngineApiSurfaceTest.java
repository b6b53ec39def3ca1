package io.embeddinghub.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The engine API is closed: no public member of a public class of {@code io.embeddinghub.engine}
 * names a type of the store's internal packages in its signature (generic arguments included),
 * so an engine that compiles against it never reaches an internal type, even without importing
 * one. Allowed: the public API ({@code io.embeddinghub}), the engine API itself, the JDK and
 * Hadoop's {@code Configuration}. One class is exempt: {@code EmbeddedApi}, through which the
 * public API runs the jobs on its own internal state.
 */
@Tag("slow") // imports and checks every class (ArchUnit), like StoreBoundaryTest
class EngineApiSurfaceTest {
  private static final JavaClasses ENGINE = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.embeddinghub.engine");

  @Test
  void publicSignaturesNameOnlyPublicTypes() {
    assertThat(leaks(ENGINE)).isEmpty();
  }

  @Test
  void theCheckSeesAnInternalTypeInASignature() {
    JavaClasses leaky = new ClassFileImporter().importClasses(Leaky.class);
    assertThat(leaks(leaky)).containsExactly(
        "io.embeddinghub.engine.EngineApiSurfaceTest$Leaky.state() names io.embeddinghub.log.SpaceState");
  }

  /** What the check forbids (a test class, outside the imported main classes). */
  public static final class Leaky {
    /** Returns an internal type. */
    public List<io.embeddinghub.log.SpaceState> state() {
      return List.of();
    }
  }

  /** The embedded API's bridge to the jobs, the one class allowed to name internal types. */
  private static final String EMBEDDED_BRIDGE = "io.embeddinghub.engine.EmbeddedApi";

  static List<String> leaks(JavaClasses classes) {
    Set<String> out = new TreeSet<>();
    for (JavaClass c : classes) {
      if (!isPublic(c.getModifiers()) || c.getName().equals(EMBEDDED_BRIDGE)) {
        continue;
      }
      for (JavaMember m : c.getMembers()) {
        if (!isPublic(m.getModifiers())) {
          continue;
        }
        List<JavaType> types = new ArrayList<>();
        if (m instanceof JavaCodeUnit unit) {
          types.add(unit.getReturnType());
          types.addAll(unit.getParameterTypes());
        } else if (m instanceof JavaField field) {
          types.add(field.getType());
        }
        for (JavaType type : types) {
          for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            JavaClass base = raw.isArray() ? raw.getBaseComponentType() : raw;
            if (!allowed(base)) {
              String name = m instanceof JavaCodeUnit ? m.getName() + "()" : m.getName();
              out.add(c.getName() + "." + name + " names " + base.getName());
            }
          }
        }
      }
    }
    return new ArrayList<>(out);
  }

  private static boolean isPublic(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC);
  }

  private static boolean allowed(JavaClass type) {
    String pkg = type.getPackageName();
    return type.isPrimitive()
        || pkg.equals("io.embeddinghub")
        || pkg.equals("io.embeddinghub.engine")
        || pkg.startsWith("java.")
        || type.getName().equals("org.apache.hadoop.conf.Configuration");
  }
}
