package io.embeddinghub.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a main class of the test sources in a child JVM with this JVM's class path (as
 * {@code MemoryBoundsTest} does), output to a file.
 */
public final class ChildJvm {
  private ChildJvm() {}

  public static Process start(String heap, Class<?> mainClass, Path output, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(
        java, heap, "-XX:+UseSerialGC", "-Xshare:auto",
        "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
        .start();
  }

  public static String tail(Path file, int maxChars) {
    try {
      File f = file.toFile();
      if (!f.exists()) {
        return "(no output)";
      }
      String s = java.nio.file.Files.readString(file);
      return s.length() <= maxChars ? s : "..." + s.substring(s.length() - maxChars);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
