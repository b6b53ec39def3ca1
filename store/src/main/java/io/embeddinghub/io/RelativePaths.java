package io.embeddinghub.io;

/** Checks that a path is relative to the hub root and cannot leave it. */
final class RelativePaths {
  private RelativePaths() {}

  static boolean isRoot(String path) {
    return path == null || path.isEmpty() || path.equals(".");
  }

  static String check(String path) {
    if (path.startsWith("/") || path.contains("\\") || path.contains(":")) {
      throw new IllegalArgumentException("Not a path relative to the hub root: '" + path + "'");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("Path segment '" + segment + "' not allowed in '" + path + "'");
      }
    }
    return path;
  }
}
