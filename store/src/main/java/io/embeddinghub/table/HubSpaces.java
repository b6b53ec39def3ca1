package io.embeddinghub.table;

import io.embeddinghub.internal.Errors;
import io.embeddinghub.io.FileIO;
import io.embeddinghub.log.TransactionLog;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The layout of a hub root: one directory per space, a space being a directory with a log. */
public final class HubSpaces {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  private HubSpaces() {}

  /** Names of the spaces in the hub, sorted. */
  public static List<String> list(FileIO io) {
    List<String> names = new ArrayList<>();
    for (String dir : directories(io)) {
      if (new TransactionLog(io, dir).exists()) {
        names.add(dir);
      }
    }
    return names;
  }

  /** Whether a space of that name exists; an invalid name is an {@code InvalidInputException}. */
  public static boolean exists(FileIO io, String name) {
    return new TransactionLog(io, Errors.checkSpaceName(name)).exists();
  }

  /** Every directory under the root that could hold a space (or a dropped space's files). */
  static List<String> directories(FileIO io) {
    List<String> names = new ArrayList<>();
    try {
      for (FileIO.FileEntry e : io.list("")) {
        if (e.isDirectory() && NAME.matcher(e.name()).matches()) {
          names.add(e.name());
        }
      }
    } catch (IOException e) {
      throw Errors.cannotListHub(io.root(), e);
    }
    names.sort(null);
    return names;
  }
}
