package io.embeddinghub.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import io.embeddinghub.InvalidInputException;
import io.embeddinghub.SearchOptions;
import io.embeddinghub.VacuumOptions;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Every public method and constructor of the connector's API ({@link EmbeddingHubSpark},
 * {@link DistributedSearchOptions}), called with null for each reference argument in turn (the
 * others valid), fails with {@link InvalidInputException} naming the argument — as the store's
 * API does ({@code NullArgumentsTest}) — before any Spark job runs. Found by reflection, so a new
 * method is covered without editing this test.
 */
class SparkNullArgumentsTest {
  private final SparkSession spark = SharedSpark.session();

  @Test
  void everyPublicMethodRejectsNullArgumentsNamingThem() throws Exception {
    String root = SharedSpark.newHubRoot();
    EmbeddingHub.open(root).createSpace("s", 2).set("a", new float[] {1, 2});
    EmbeddingHubSpark hub = EmbeddingHubSpark.open(spark, root);
    Map<Class<?>, Object> receivers = Map.of(EmbeddingHubSpark.class, hub,
        DistributedSearchOptions.class, DistributedSearchOptions.DEFAULT);
    List<String> checked = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<Class<?>, Object> receiver : receivers.entrySet()) {
      List<Executable> executables = new ArrayList<>(Arrays.asList(receiver.getKey().getConstructors()));
      for (Method m : receiver.getKey().getMethods()) {
        if (m.getDeclaringClass() == receiver.getKey() && !m.getName().equals("equals")) {
          executables.add(m);
        }
      }
      for (Executable e : executables) {
        Parameter[] params = e.getParameters();
        for (int i = 0; i < params.length; i++) {
          if (params[i].getType().isPrimitive()) {
            continue;
          }
          Object[] args = new Object[params.length];
          for (int j = 0; j < params.length; j++) {
            args[j] = j == i ? null : validValue(params[j], root);
          }
          String name = params[i].getName();
          String call = receiver.getKey().getSimpleName() + "." + (e instanceof Constructor ? "new" : e.getName())
              + "(" + name + "=null)";
          checked.add(call);
          Throwable thrown = invoke(e, receiver.getValue(), args);
          String message = thrown == null || thrown.getMessage() == null ? "" : thrown.getMessage().toLowerCase(Locale.ROOT);
          if (!params[i].isNamePresent()) {
            problems.add(call + ": compile with -parameters");
          } else if (!(thrown instanceof InvalidInputException) || !message.contains(name.toLowerCase(Locale.ROOT))) {
            problems.add(call + (thrown == null ? " returned" : " threw " + thrown) + "; expected InvalidInputException naming " + name);
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checked).contains("EmbeddingHubSpark.open(spark=null)", "EmbeddingHubSpark.multiget(missing=null)",
        "EmbeddingHubSpark.nearestNeighbors(options=null)", "DistributedSearchOptions.new(search=null)",
        "EmbeddingHubSpark.vacuum(retention=null)", "EmbeddingHubSpark.multiset(rows=null)");
  }

  private Object validValue(Parameter parameter, String root) {
    Class<?> type = parameter.getType();
    if (type == String.class) {
      return parameter.getName().equals("hubRoot") ? root : "s";
    }
    if (type == int.class) {
      return 3;
    }
    if (type == long.class) {
      return 0L;
    }
    if (type == SparkSession.class) {
      return spark;
    }
    if (type == Dataset.class) {
      return SparkDataFrameTest.frame(spark, SparkDataFrameTest.randomRows(new Random(1), "k", 2, 2));
    }
    if (type == MissingKeys.class) {
      return MissingKeys.DROP;
    }
    if (type == SearchOptions.class) {
      return SearchOptions.DEFAULT;
    }
    if (type == DistributedSearchOptions.class) {
      return DistributedSearchOptions.DEFAULT;
    }
    if (type == Duration.class) {
      return Duration.ofDays(7);
    }
    if (type == VacuumOptions.class) {
      return VacuumOptions.DEFAULT.asDryRun();
    }
    throw new IllegalStateException("No valid value for " + type + ": add one to " + getClass().getSimpleName());
  }

  private static Throwable invoke(Executable e, Object receiver, Object[] args) throws IllegalAccessException, InstantiationException {
    try {
      if (e instanceof Constructor<?> c) {
        c.newInstance(args);
      } else {
        ((Method) e).invoke(receiver, args);
      }
      return null;
    } catch (InvocationTargetException ex) {
      return ex.getCause();
    }
  }
}
