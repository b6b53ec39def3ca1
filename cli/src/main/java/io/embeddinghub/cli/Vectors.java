package io.embeddinghub.cli;

/** Parses and prints vectors as comma-separated floats. */
final class Vectors {
  private Vectors() {}

  /** "1,2.5,-3" → {1, 2.5, -3}; the message names the bad value and its position. */
  static float[] parse(String text, String what) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new UserException(what + ": empty vector");
    }
    String[] parts = trimmed.split(",", -1);
    float[] v = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      v[i] = parseFloat(parts[i], what + ", value " + (i + 1));
    }
    return v;
  }

  static float parseFloat(String s, String where) {
    try {
      return Float.parseFloat(s.trim());
    } catch (NumberFormatException e) {
      throw new UserException(where + ": not a number: '" + s + "'");
    }
  }

  static String format(float[] v) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(v[i]);
    }
    return sb.toString();
  }
}
