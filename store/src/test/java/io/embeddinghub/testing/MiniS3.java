package io.embeddinghub.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.options.CreateContainerOptions;

/**
 * One in-process S3 protocol server (s3proxy on its in-memory {@code transient-nio2} back end,
 * which implements {@code If-None-Match: *} atomically) on a loopback port for the whole test JVM,
 * started on first use, stopped at JVM exit; hubs reach it through Hadoop S3A. Child JVMs reach
 * the same server through {@link #conf()}'s settings. {@link S3Faults} makes it answer errors.
 *
 * <p>When the system property {@value #SERVER_CLASSPATH} names a file holding a classpath, the
 * server runs in a child JVM on that classpath instead ({@link #main}), and this JVM never starts
 * s3proxy: so the Spark lines whose Jackson is older than s3proxy's (s3proxy 4 runs on Jackson 3,
 * which needs jackson-annotations 2.20+; Spark 4.0 brings 2.18, Spark 3.5 2.15) test against it
 * with their own Jackson. {@link S3Faults} has no effect on such a server.
 */
public final class MiniS3 {
  /** A file with the classpath to run the server on in a child JVM (the store's test classpath). */
  public static final String SERVER_CLASSPATH = "embeddinghub.test.s3.server.classpath";
  private static final String PORT_LINE = "MiniS3 listening on port ";

  /** The bucket every test hub lives in. */
  public static final String BUCKET = "lake";
  private static final String ACCESS_KEY = "test-access";
  private static final String SECRET_KEY = "test-secret";

  private static S3Proxy proxy;
  private static BlobStore store;
  private static int childPort;

  private MiniS3() {}

  /** {@code s3a://lake}: the bucket's root. */
  public static synchronized String bucketUri() {
    port();
    return "s3a://" + BUCKET;
  }

  /** S3A settings that reach the server, with short timeouts and retries for a loopback peer. */
  public static synchronized Configuration conf() {
    Configuration conf = new Configuration();
    settings(port()).forEach(conf::set);
    return conf;
  }

  /** The S3A settings for the server on {@code port}, as plain key-value pairs (for child JVMs). */
  public static java.util.Map<String, String> settings(int port) {
    java.util.Map<String, String> s = new java.util.TreeMap<>();
    s.put("fs.s3a.endpoint", "http://127.0.0.1:" + port);
    s.put("fs.s3a.endpoint.region", "us-east-1");
    s.put("fs.s3a.access.key", ACCESS_KEY);
    s.put("fs.s3a.secret.key", SECRET_KEY);
    s.put("fs.s3a.path.style.access", "true");
    s.put("fs.s3a.connection.ssl.enabled", "false");
    s.put("fs.s3a.retry.interval", "20ms");
    s.put("fs.s3a.retry.throttle.interval", "20ms");
    // S3A 3.5's default input stream is the analytics accelerator (analyticsaccelerator-s3 1.3.1),
    // whose reader waits for a block with an unbounded CountDownLatch.await() and retries a block
    // read for up to 20 x 30 s; the classic stream is one ranged GET under the request and socket
    // timeouts below (docs/RELIABILITY.md, "Object stores")
    s.put("fs.s3a.input.stream.type", "classic");
    // a stalled socket surfaces in 60 s (default 200 s) and is retried, inside the soak's 180 s
    // bound on an operation; the request timeout stays at its default, 60 s
    s.put("fs.s3a.connection.timeout", "60000"); // milliseconds: Hadoop 3.3 (Spark 3.5) reads a plain int
    return s;
  }

  public static synchronized int port() {
    String classpath = System.getProperty(SERVER_CLASSPATH);
    if (classpath != null && !classpath.isBlank()) {
      return child(classpath);
    }
    return server().getPort();
  }

  /**
   * Runs the server in this JVM and prints its port; it stops when standard input closes (the
   * parent JVM exited).
   */
  public static void main(String[] args) throws Exception {
    System.out.println(PORT_LINE + server().getPort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // the parent holds the pipe open while it runs
    }
    System.exit(0);
  }

  /** The port of the server in a child JVM on the classpath in {@code classpathFile}, started once. */
  private static int child(String classpathFile) {
    if (childPort != 0) {
      return childPort;
    }
    try {
      // this class's own jar or directory, then s3proxy and its dependencies as the store resolves them
      String classpath = Path.of(MiniS3.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          + File.pathSeparator + Files.readString(Path.of(classpathFile)).trim();
      String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", classpath, MiniS3.class.getName())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
      BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(PORT_LINE)) {
          childPort = Integer.parseInt(line.substring(PORT_LINE.length()).trim());
          Thread drain = new Thread(() -> {
            try {
              while (out.readLine() != null) {
                // s3proxy's own output
              }
            } catch (IOException e) {
              // the child exited
            }
          }, "MiniS3 child output");
          drain.setDaemon(true);
          drain.start();
          return childPort;
        }
      }
      throw new IllegalStateException("The s3proxy child JVM exited with " + process.waitFor() + " before it listened");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the s3proxy child JVM on the classpath in " + classpathFile, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static S3Proxy server() {
    if (proxy == null) {
      try {
        Properties props = new Properties();
        store = BlobStores.create("transient-nio2", props);
        store.createContainer(BUCKET, new CreateContainerOptions(false));
        S3Proxy started = S3Proxy.builder()
            .blobStore(S3Faults.wrap(store))
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
        started.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(started.getState())) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("s3proxy did not start: " + started.getState());
          }
          Thread.sleep(5);
        }
        proxy = started;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            started.stop();
          } catch (Exception e) {
            // exiting anyway
          }
        }));
      } catch (Exception e) {
        throw new IllegalStateException("Cannot start s3proxy", e);
      }
    }
    return proxy;
  }
}
