package io.embeddinghub.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.HttpResponse;
import org.gaul.s3proxy.blobstore.HttpResponseException;
import org.gaul.s3proxy.blobstore.domain.Blob;
import org.gaul.s3proxy.blobstore.options.PutOptions;

/**
 * Faults of the in-process S3 server ({@link MiniS3}): a rule makes the next PUTs of object keys
 * matching a pattern answer with an HTTP error, either instead of storing the object or after
 * storing it (a response lost on the way back, as a timeout would). Rules are consumed in order.
 */
public final class S3Faults {
  /** When the error is answered. */
  public enum When { INSTEAD_OF_PUT, AFTER_PUT }

  private record Rule(Pattern key, int status, When when, AtomicInteger remaining) {}

  private static final List<Rule> RULES = new ArrayList<>();
  private static final AtomicInteger INJECTED = new AtomicInteger();

  private S3Faults() {}

  /** The next {@code times} PUTs of keys matching {@code keyRegex} fail with {@code status}. */
  public static synchronized void failPuts(String keyRegex, int status, When when, int times) {
    RULES.add(new Rule(Pattern.compile(keyRegex), status, when, new AtomicInteger(times)));
  }

  public static synchronized void clear() {
    RULES.clear();
  }

  /** How many faults were answered since the JVM started. */
  public static int injected() {
    return INJECTED.get();
  }

  private static synchronized Rule take(String key) {
    for (Rule r : RULES) {
      if (r.remaining.get() > 0 && r.key.matcher(key).matches()) {
        r.remaining.decrementAndGet();
        return r;
      }
    }
    return null;
  }

  /** The server's blob store with the rules applied. */
  static BlobStore wrap(BlobStore store) {
    return new ForwardingBlobStore(store) {
      @Override
      public String putBlob(String container, Blob blob, PutOptions options) {
        Rule rule = take(blob.getMetadata().name());
        if (rule == null) {
          return super.putBlob(container, blob, options);
        }
        INJECTED.incrementAndGet();
        if (rule.when == When.AFTER_PUT) {
          super.putBlob(container, blob, options);
        }
        throw new HttpResponseException("injected fault", new HttpResponse(rule.status));
      }
    };
  }
}
