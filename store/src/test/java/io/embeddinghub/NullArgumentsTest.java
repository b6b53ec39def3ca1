package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.embeddinghub.io.HadoopFileIO;
import io.embeddinghub.testing.TestHubs;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every public method and constructor of the embedded API, called with null for each of its
 * reference arguments in turn (the others valid), fails with {@link InvalidInputException}
 * naming the argument, and leaves every file under the hub root exactly as it was. Found by
 * reflection, so a new public method is covered without editing this test (parameter names come
 * from {@code -parameters}, see store/pom.xml).
 */
class NullArgumentsTest {
  /** {@code equals(null)} is false by contract; an enum's generated {@code valueOf} is the JDK's. */
  private static final Set<String> NOT_CHECKED = Set.of("equals", "valueOf");

  private final TestHubs hubs = TestHubs.local();
  private EmbeddingHub hub;
  private Space space;
  private Map<Class<?>, Object> receivers;

  @BeforeEach
  void setUp() {
    hub = hubs.newHub();
    space = hub.createSpace("s", 3);
    space.multiset(Map.of("a", new float[] {1, 2, 3}, "b", new float[] {4, 5, 6}));
    receivers = new LinkedHashMap<>();
    receivers.put(EmbeddingHub.class, hub);
    receivers.put(Space.class, space);
    receivers.put(SpaceSnapshot.class, space.snapshot());
    receivers.put(LocalSpace.class, space.downloadSnapshot());
    receivers.put(SpaceSpec.class, space.spec());
    receivers.put(SpaceSpec.Builder.class, SpaceSpec.builder("t", 3));
    receivers.put(SearchOptions.class, SearchOptions.DEFAULT);
    receivers.put(KeyFilter.class, KeyFilter.prefix("a"));
    receivers.put(Metric.class, Metric.L2);
  }

  @Tag("slow")
  @Test
  void everyPublicMethodRejectsNullArgumentsNamingThem() throws Exception {
    Map<String, byte[]> before = snapshotFiles();
    List<String> checked = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<Class<?>, Object> receiver : receivers.entrySet()) {
      List<Executable> executables = new ArrayList<>(Arrays.asList(receiver.getKey().getConstructors()));
      for (Method m : receiver.getKey().getMethods()) {
        Class<?> declaring = m.getDeclaringClass();
        if (declaring != Object.class && declaring != Enum.class && !NOT_CHECKED.contains(m.getName())) {
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
            args[j] = j == i ? null : validValue(params[j]);
          }
          String name = params[i].getName();
          String call = receiver.getKey().getSimpleName() + "." + (e instanceof Constructor ? "new" : e.getName())
              + "(" + name + "=null)";
          checked.add(call);
          Throwable thrown = invoke(e, receiver.getValue(), args);
          String message = thrown == null || thrown.getMessage() == null ? "" : thrown.getMessage().toLowerCase(Locale.ROOT);
          if (!params[i].isNamePresent()) {
            problems.add(call + ": compile with -parameters");
          } else if (!(thrown instanceof InvalidInputException)
              || !message.contains(name.toLowerCase(Locale.ROOT))
              || !message.contains("must not be null")) {
            problems.add(call + (thrown == null ? " returned" : " threw " + thrown)
                + "; expected InvalidInputException naming " + name + ": \"" + name + " must not be null\"");
          }
          String changed = changedFiles(before);
          if (!changed.isEmpty()) {
            problems.add(call + " changed " + changed);
            before = snapshotFiles();
          }
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checked)
        .contains(
            "Space.multiset(entries=null)",
            "LocalSpace.multiset(entries=null)",
            "EmbeddingHub.open(conf=null)",
            "Builder.metric(metric=null)",
            "SpaceSnapshot.nearestNeighbors(options=null)",
            "Metric.distance(b=null)");
  }

  /** What the call threw, or null when it returned. */
  private static Throwable invoke(Executable e, Object receiver, Object[] args) throws Exception {
    try {
      if (e instanceof Constructor<?> c) {
        c.newInstance(args);
      } else {
        Method m = (Method) e;
        m.invoke(Modifier.isStatic(m.getModifiers()) ? null : receiver, args);
      }
    } catch (InvocationTargetException thrown) {
      return thrown.getCause();
    }
    return null;
  }

  /** A value the argument accepts, so that only the null one is wrong. */
  private Object validValue(Parameter p) throws Exception {
    Class<?> type = p.getType();
    if (type == String.class) {
      return p.getName().equals("uri") ? hub.root() : "a";
    } else if (type == int.class) {
      return 3;
    } else if (type == long.class) {
      return 1L;
    } else if (type == boolean.class) {
      return false;
    } else if (type == double.class) {
      return 0.0;
    } else if (type == KeyFilter.class) {
      return KeyFilter.prefix("a");
    } else if (type == float[].class) {
      return new float[] {1, 2, 3};
    } else if (type == Map.class) {
      return Map.of();
    } else if (type == List.class) {
      return List.of("a");
    } else if (type == Iterator.class) {
      return List.of().iterator();
    } else if (type == Stream.class) {
      return Stream.empty();
    } else if (type == SearchOptions.class) {
      return SearchOptions.DEFAULT;
    } else if (type == VacuumOptions.class) {
      return VacuumOptions.DEFAULT;
    } else if (type == Instant.class) {
      return Instant.now();
    } else if (type == java.time.Clock.class) {
      return java.time.Clock.systemUTC();
    } else if (type == Duration.class) {
      return Duration.ofDays(1);
    } else if (type == Configuration.class) {
      return new Configuration();
    } else if (type == io.embeddinghub.io.FileIO.class) {
      return new HadoopFileIO(URI.create(hub.root()), new Configuration());
    } else if (type == Metric.class) {
      return Metric.L2;
    } else if (type == IndexParams.class) {
      return IndexParams.DEFAULT;
    } else if (type == SpaceSpec.class) {
      return SpaceSpec.builder("t", 3).build();
    } else if (type == EmbeddingHub.class) {
      return hub;
    }
    return fail("No valid value for a parameter of type %s: add one to this test", type);
  }

  /** The files added, removed or changed since {@code before}, or "". */
  private String changedFiles(Map<String, byte[]> before) {
    Map<String, byte[]> after = snapshotFiles();
    List<String> changed = new ArrayList<>();
    before.forEach((path, bytes) -> {
      if (!Arrays.equals(after.get(path), bytes)) {
        changed.add(path);
      }
    });
    after.keySet().stream().filter(path -> !before.containsKey(path)).forEach(changed::add);
    return changed.isEmpty() ? "" : changed.toString();
  }

  private Map<String, byte[]> snapshotFiles() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (String path : hubs.listFiles(hub, "")) {
      files.put(path, hubs.read(hub, path));
    }
    return files;
  }
}
