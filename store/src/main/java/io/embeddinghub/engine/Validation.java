package io.embeddinghub.engine;

import io.embeddinghub.InvalidInputException;
import io.embeddinghub.KeyNotFoundException;
import io.embeddinghub.Metric;
import io.embeddinghub.internal.Errors;
import java.util.List;

/**
 * The store's rules for user input and its messages, for engines that validate input before it
 * reaches the store (in write tasks, say), so that an engine refuses exactly what the embedded API
 * refuses, with the same message.
 */
public final class Validation {
  private Validation() {}

  /**
   * Checks an argument is not null.
   *
   * @param <T> the argument's type
   * @param value the argument
   * @param argument its name, for the message
   * @return {@code value}
   * @throws InvalidInputException naming the argument when it is null
   */
  public static <T> T checkNotNull(T value, String argument) {
    return Errors.checkNotNull(value, argument);
  }

  /**
   * Checks a space name.
   *
   * @param name the name
   * @return {@code name}
   * @throws InvalidInputException naming it when it is not a valid space name
   */
  public static String checkSpaceName(String name) {
    return Errors.checkSpaceName(name);
  }

  /**
   * Checks a key: not null, not empty, valid Unicode.
   *
   * @param key the key
   * @throws InvalidInputException naming it when it is not a valid key
   */
  public static void checkKey(String key) {
    Errors.checkKey(key);
  }

  /**
   * Checks an embedding for a space: its dimensions, finite values, and for cosine not all zeros.
   *
   * @param key the row's key, for the message
   * @param vector the embedding
   * @param dimensions the space's dimensions
   * @param metric the space's metric
   * @throws InvalidInputException naming the key and the offending value
   */
  public static void checkVector(String key, float[] vector, int dimensions, Metric metric) {
    Errors.checkVector(key, vector, dimensions, metric);
  }

  /**
   * Checks a query vector, by the rules of {@link #checkVector}.
   *
   * @param vector the query
   * @param dimensions the space's dimensions
   * @param metric the space's metric
   * @throws InvalidInputException naming the offending value
   */
  public static void checkQuery(float[] vector, int dimensions, Metric metric) {
    Errors.checkQuery(vector, dimensions, metric);
  }

  /**
   * Checks a neighbor count.
   *
   * @param k the count
   * @throws InvalidInputException naming it when it is negative
   */
  public static void checkK(int k) {
    Errors.checkK(k);
  }

  /**
   * The error for keys a lookup did not find, naming the first few.
   *
   * @param space the space's name
   * @param missing the keys not found
   * @return the exception, to throw
   */
  public static KeyNotFoundException keysNotFound(String space, List<String> missing) {
    return Errors.keysNotFound(space, missing);
  }

  /**
   * Quotes a user value for a message, escaping control characters and cutting it short.
   *
   * @param value the value, or null
   * @return the quoted value
   */
  public static String quote(String value) {
    return Errors.quote(value);
  }
}
