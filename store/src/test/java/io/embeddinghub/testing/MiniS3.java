package io.embeddinghub.testing;

import java.net.URI;
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
 */
public final class MiniS3 {
  /** The bucket every test hub lives in. */
  public static final String BUCKET = "lake";
  private static final String ACCESS_KEY = "test-access";
  private static final String SECRET_KEY = "test-secret";

  private static S3Proxy proxy;
  private static BlobStore store;

  private MiniS3() {}

  /** {@code s3a://lake}: the bucket's root. */
  public static synchronized String bucketUri() {
    server();
    return "s3a://" + BUCKET;
  }

  /** S3A settings that reach the server, with short timeouts and retries for a loopback peer. */
  public static synchronized Configuration conf() {
    Configuration conf = new Configuration();
    settings(server().getPort()).forEach(conf::set);
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
    s.put("fs.s3a.connection.timeout", "60s");
    return s;
  }

  public static synchronized int port() {
    return server().getPort();
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
