package io.embeddinghub.spark;

import io.embeddinghub.InvalidInputException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * One option of the connector, declared once in {@link SparkOptions#ALL}: its name, the surfaces
 * that take it, its type, its default and meaning (the row docs/GUIDE.md shows), and how its value
 * is parsed. A value that does not parse is an {@link InvalidInputException} naming the option and
 * the value.
 *
 * @param <T> the parsed value's type
 * @param name the option's key (case-insensitive)
 * @param usedBy the surfaces that take it: read, write, create (a write or CREATE TABLE that
 *     creates the space), read (kNN join)
 * @param type the values it takes, as documented
 * @param defaultValue its default, as documented
 * @param meaning what it does
 * @param expected what a value must be, for the error message
 * @param parser parses a present value; throws {@link IllegalArgumentException} (a
 *     {@link NumberFormatException}, say) for a bad one
 */
record SparkOption<T>(
    String name, String usedBy, String type, String defaultValue, String meaning, String expected,
    Function<String, T> parser) {
  /** Surfaces, as docs/GUIDE.md's "used by" column names them. */
  static final String READ = "read";
  static final String READ_WRITE = "read, write";
  static final String CREATE = "write, create";
  static final String KNN_JOIN = "read (kNN join)";

  static SparkOption<String> string(String name, String usedBy, String defaultValue, String meaning) {
    return new SparkOption<>(name, usedBy, "string", defaultValue, meaning, "a string", v -> v);
  }

  static SparkOption<Integer> integer(String name, String usedBy, String type, String defaultValue, String meaning) {
    return new SparkOption<>(name, usedBy, type, defaultValue, meaning, "a number", v -> Integer.parseInt(v.trim()));
  }

  static SparkOption<Long> longValue(String name, String usedBy, String type, String defaultValue, String meaning) {
    return new SparkOption<>(name, usedBy, type, defaultValue, meaning, "a number", v -> Long.parseLong(v.trim()));
  }

  static SparkOption<Boolean> bool(String name, String usedBy, String defaultValue, String meaning) {
    return new SparkOption<>(name, usedBy, "boolean", defaultValue, meaning, "true or false", SparkOption::parseBoolean);
  }

  private static Boolean parseBoolean(String value) {
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(value);
    }
  }

  /** A copy that says what a value must be in its own words, for the error message. */
  SparkOption<T> expecting(String what) {
    return new SparkOption<>(name, usedBy, type, defaultValue, meaning, what, parser);
  }

  /**
   * The option's value in {@code options} (a case-insensitive map), or null when it is absent.
   *
   * @throws InvalidInputException naming the option and the value when it does not parse
   */
  T in(Map<String, String> options) {
    String value = options.get(name);
    return value == null ? null : parse(value);
  }

  /** The option's value in {@code options}, or {@code fallback} when it is absent. */
  T in(Map<String, String> options, T fallback) {
    T value = in(options);
    return value == null ? fallback : value;
  }

  /** Parses a value given for this option. */
  T parse(String value) {
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      throw SparkOptions.badValue(name, value, expected);
    }
  }

  /** The option's row of docs/GUIDE.md's table of DataFrame options. */
  String markdownRow() {
    return "| `" + name + "` | " + usedBy + " | " + type + " | " + defaultValue + " | " + meaning + " |";
  }
}
