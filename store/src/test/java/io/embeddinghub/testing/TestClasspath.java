package io.embeddinghub.testing;

import java.io.File;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The class path for child JVMs of the tests. */
public final class TestClasspath {
  private TestClasspath() {}

  /**
   * This JVM's class path without the S3 client and server jars (Hadoop S3A, the AWS SDK bundle,
   * s3proxy): a child JVM with a small heap that does not reach S3 would spend megabytes of it on
   * the bundle's jar directory (hundreds of thousands of entries) and run out of memory at its
   * first class load.
   */
  public static String withoutObjectStores() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> !entry.contains("/software/amazon/") && !entry.contains("/org/gaul/")
            && !entry.contains("/hadoop-aws-"))
        .collect(Collectors.joining(File.pathSeparator));
  }
}
