package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.HubProperties;
import io.embeddinghub.IndexParams;
import io.embeddinghub.SpaceSpec;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * docs/GUIDE.md's option tables against the code: every option, setting and procedure the code
 * declares is documented, nothing documented is missing from the code, and every fixed default
 * in the guide is the code's.
 */
class DocumentedOptionsTest {
  /** The repository root: the parent of connector/, or what a Spark-line module (connector-lines/) names. */
  private static final Path GUIDE = Path.of(System.getProperty("embeddinghub.test.repo", ".."), "docs", "GUIDE.md");
  /** Defaults that depend on the JVM (heap, processors): documented as a rule, not a number. */
  private static final Set<String> MACHINE_DEPENDENT_DEFAULTS = Set.of(
      HubProperties.CACHE_MAX_BYTES, HubProperties.INDEX_CACHE_MAX_BYTES,
      HubProperties.WRITE_BUFFER_BYTES, HubProperties.INDEX_BUILD_THREADS, HubProperties.READ_THREADS);

  @Test
  void everyDataFrameOptionIsDocumentedWithTheCodesDefault() throws Exception {
    Map<String, List<String>> rows = table("### DataFrame options");
    Set<String> declared = new TreeSet<>(stringConstants(SparkOptions.class, false).values());

    assertThat(rows.keySet()).as("options in docs/GUIDE.md").containsExactlyInAnyOrderElementsOf(declared);
    Map<String, Object> defaults = Map.of(
        SparkOptions.BUCKETS, SpaceSpec.DEFAULT_BUCKETS,
        SparkOptions.TARGET_FILE_BYTES, SpaceSpec.DEFAULT_TARGET_FILE_BYTES,
        SparkOptions.TARGET_FILE_ROWS, SpaceSpec.DEFAULT_TARGET_FILE_ROWS,
        SparkOptions.INDEX_M, IndexParams.DEFAULT.m(),
        SparkOptions.INDEX_EF_CONSTRUCTION, IndexParams.DEFAULT.efConstruction(),
        SparkOptions.INDEX_EF, IndexParams.DEFAULT.ef(),
        SparkOptions.DEDUPE, false);
    defaults.forEach((option, value) ->
        assertThat(leadingValue(rows.get(option).get(2))).as("default of %s", option).isEqualTo(format(value)));
  }

  @Test
  void theGuidesOptionTableIsTheOneTheCodeDeclares() throws Exception {
    String guide = Files.readString(GUIDE);
    int heading = guide.indexOf("### DataFrame options");
    assertThat(heading).isNotNegative();
    int start = guide.indexOf("| option |", heading);
    int end = guide.indexOf("\n\n", start);
    assertThat(guide.substring(start, end + 1))
        .as("docs/GUIDE.md's DataFrame options table: regenerate it from SparkOptions.markdownTable()")
        .isEqualTo(SparkOptions.markdownTable());
  }

  @Test
  void everyHubSettingIsDocumentedWithTheCodesDefault() throws Exception {
    Map<String, List<String>> rows = table("### Hub settings");
    Map<String, String> settings = stringConstants(HubProperties.class, true);
    Map<String, Object> defaults = defaults(HubProperties.class);

    assertThat(rows.keySet()).as("settings in docs/GUIDE.md")
        .containsExactlyInAnyOrderElementsOf(new TreeSet<>(settings.values()));
    settings.forEach((field, name) -> {
      if (!MACHINE_DEPENDENT_DEFAULTS.contains(name)) {
        Object value = defaults.get(field + "_DEFAULT");
        assertThat(value).as("%s_DEFAULT in HubProperties", field).isNotNull();
        assertThat(leadingValue(rows.get(name).get(0))).as("default of %s", name).isEqualTo(format(value));
      }
    });
  }

  @Test
  void sparkSettingsIncludeTheExtensionsSwitch() throws Exception {
    Map<String, List<String>> rows = table("### Spark settings");

    assertThat(rows).containsKey(NearestBySupport.ENABLED);
    assertThat(leadingValue(rows.get(NearestBySupport.ENABLED).get(0))).isEqualTo("true");
    assertThat(rows.keySet()).contains("spark.sql.catalog.<name>.path", "spark.sql.extensions");
  }

  @Test
  void everyProcedureIsDocumentedWithItsParametersAndColumns() throws Exception {
    Map<String, List<String>> rows = table("### SQL procedures and functions");
    Map<String, ProcedureSpec> procedures = ProcedureSpec.all();

    Map<String, List<String>> documented = new TreeMap<>();
    rows.forEach((call, cells) -> {
      Matcher m = Pattern.compile("system\\.(\\w+)\\(").matcher(call);
      if (m.find()) {
        documented.put(m.group(1), cells);
      }
    });
    assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(procedures.keySet());
    procedures.forEach((name, procedure) -> {
      List<String> cells = documented.get(name);
      List<String> parameters = procedure.parameters().stream().map(ProcedureSpec.Parameter::name).toList();
      assertThat(backticked(cells.get(0))).as("parameters of %s", name).containsExactlyElementsOf(parameters);
      List<String> columns = Arrays.stream(procedure.output().fields()).map(StructField::name).toList();
      assertThat(backticked(cells.get(1)).get(0).split(",\\s*")).as("columns of %s", name)
          .containsExactlyElementsOf(columns);
    });
    assertThat(rows.keySet()).anyMatch(call -> call.contains(NearestNeighborsTableFunction.NAME + "("));
    assertThat(rows.keySet()).anyMatch(call -> call.contains(MultigetTableFunction.NAME + "("));
  }

  @Test
  void vacuumsDocumentedRetentionIsTheProceduresDefault() throws Exception {
    String vacuumRow = table("### SQL procedures and functions").entrySet().stream()
        .filter(e -> e.getKey().contains("system.vacuum(")).map(e -> e.getValue().get(0)).findFirst().orElseThrow();
    assertThat(vacuumRow).contains("(default " + format(ProcedureSpec.VACUUM_RETENTION_HOURS_DEFAULT) + ")");
  }

  /** Rows of the first table after {@code heading}: first cell's first backticked name -> other cells. */
  private static Map<String, List<String>> table(String heading) throws IOException {
    List<String> lines = Files.readAllLines(GUIDE);
    int start = lines.indexOf(heading);
    assertThat(start).as("heading %s in %s", heading, GUIDE).isNotNegative();
    Map<String, List<String>> rows = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("|")) {
        inTable = true;
        List<String> cells = Arrays.stream(line.substring(1, line.length() - 1).split("(?<!\\\\)\\|"))
            .map(String::trim).collect(Collectors.toCollection(ArrayList::new));
        List<String> names = backticked(cells.get(0));
        if (!names.isEmpty()) {
          rows.put(names.get(0), cells.subList(1, cells.size()));
        }
      } else if (inTable) {
        break;
      }
    }
    assertThat(rows).as("table under %s", heading).isNotEmpty();
    return rows;
  }

  private static List<String> backticked(String cell) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** A cell's value before any explanation: "10000", "1h", "true", "134217728 (128 MiB)" -> "134217728". */
  private static String leadingValue(String cell) {
    return cell.split("[ (]")[0].replace(",", "");
  }

  private static String format(Object value) {
    if (value instanceof Duration d) {
      return d.toMinutes() % 60 == 0 && d.toSeconds() % 60 == 0 ? d.toHours() + "h" : d.toMillis() + "ms";
    }
    if (value instanceof Double d) {
      return d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
    }
    return value.toString();
  }

  /** Static final String fields (field name -> value); without the {@code _DEFAULT} ones when asked. */
  private static Map<String, String> stringConstants(Class<?> type, boolean skipDefaults) throws IllegalAccessException {
    Map<String, String> constants = new TreeMap<>();
    for (Field f : type.getDeclaredFields()) {
      int mod = f.getModifiers();
      if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == String.class
          && !(skipDefaults && f.getName().endsWith("_DEFAULT"))) {
        f.setAccessible(true);
        constants.put(f.getName(), (String) f.get(null));
      }
    }
    return constants;
  }

  private static Map<String, Object> defaults(Class<?> type) throws IllegalAccessException {
    Map<String, Object> defaults = new TreeMap<>();
    for (Field f : type.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_DEFAULT")) {
        defaults.put(f.getName(), f.get(null));
      }
    }
    return defaults;
  }
}
