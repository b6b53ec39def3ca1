package io.embeddinghub.testing;

import com.google.common.hash.HashCode;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.HttpResponse;
import org.gaul.s3proxy.blobstore.HttpResponseException;
import org.gaul.s3proxy.blobstore.domain.Blob;
import org.gaul.s3proxy.blobstore.domain.MultipartPart;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.blobstore.options.PutOptions;

/**
 * Faults of the in-process S3 server ({@link MiniS3}): a rule makes the next PUTs of object keys
 * matching a pattern answer with an HTTP error, either instead of storing the object or after
 * storing it (a response lost on the way back); or answer only after a delay, once the object is
 * stored (a response slower than the client's request timeout); or makes the next parts of a
 * multipart upload fail. Rules are consumed in order.
 */
public final class S3Faults {
  /** When the error is answered. */
  public enum When { INSTEAD_OF_PUT, AFTER_PUT, LATE_AFTER_PUT, INSTEAD_OF_PART }

  /** {@code status} is the HTTP error answered, or for {@link When#LATE_AFTER_PUT} the delay in ms. */
  private record Rule(Pattern key, int status, When when, AtomicInteger remaining) {}

  private static final List<Rule> RULES = new ArrayList<>();
  private static final AtomicInteger INJECTED = new AtomicInteger();

  private S3Faults() {}

  /** The next {@code times} PUTs of keys matching {@code keyRegex} fail with {@code status}. */
  public static synchronized void failPuts(String keyRegex, int status, When when, int times) {
    RULES.add(new Rule(Pattern.compile(keyRegex), status, when, new AtomicInteger(times)));
  }

  /**
   * The next {@code times} PUTs of keys matching {@code keyRegex} store the object, then answer
   * after {@code delayMillis}: a client whose request timeout is shorter gives up first.
   */
  public static synchronized void answerLate(String keyRegex, int delayMillis, int times) {
    RULES.add(new Rule(Pattern.compile(keyRegex), delayMillis, When.LATE_AFTER_PUT, new AtomicInteger(times)));
  }

  /** The next {@code times} part uploads of multipart uploads of keys matching {@code keyRegex} fail with {@code status}. */
  public static synchronized void failParts(String keyRegex, int status, int times) {
    RULES.add(new Rule(Pattern.compile(keyRegex), status, When.INSTEAD_OF_PART, new AtomicInteger(times)));
  }

  public static synchronized void clear() {
    RULES.clear();
  }

  /** How many faults were answered since the JVM started. */
  public static int injected() {
    return INJECTED.get();
  }

  private static synchronized Rule take(String key, boolean part) {
    for (Rule r : RULES) {
      if ((r.when == When.INSTEAD_OF_PART) == part && r.remaining.get() > 0 && r.key.matcher(key).matches()) {
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
        Rule rule = take(blob.getMetadata().name(), false);
        if (rule == null) {
          return super.putBlob(container, blob, options);
        }
        INJECTED.incrementAndGet();
        if (rule.when == When.LATE_AFTER_PUT) {
          String etag = super.putBlob(container, blob, options);
          try {
            Thread.sleep(rule.status);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return etag;
        }
        if (rule.when == When.AFTER_PUT) {
          super.putBlob(container, blob, options);
        }
        throw new HttpResponseException("injected fault", new HttpResponse(rule.status));
      }

      @Override
      public MultipartPart uploadMultipartPart(
          MultipartUpload upload, int partNumber, InputStream payload, long length, HashCode md5) {
        Rule rule = take(upload.blobName(), true);
        if (rule == null) {
          return super.uploadMultipartPart(upload, partNumber, payload, length, md5);
        }
        INJECTED.incrementAndGet();
        throw new HttpResponseException("injected fault", new HttpResponse(rule.status));
      }
    };
  }
}
