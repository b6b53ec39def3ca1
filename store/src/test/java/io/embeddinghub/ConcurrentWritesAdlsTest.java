package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

/** The concurrency contract on {@code abfs:}, committing by renames with {@code If-None-Match: *}. */
@Tag("slow")
class ConcurrentWritesAdlsTest extends ConcurrentWritesContract {
  ConcurrentWritesAdlsTest() {
    super(TestHubs.adlsLike(), 15);
  }
}
