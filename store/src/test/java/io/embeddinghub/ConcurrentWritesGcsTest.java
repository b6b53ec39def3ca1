package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

/** The concurrency contract on {@code gs:}, committing by uploads with {@code ifGenerationMatch=0}. */
@Tag("slow")
class ConcurrentWritesGcsTest extends ConcurrentWritesContract {
  ConcurrentWritesGcsTest() {
    super(TestHubs.gcsLike(), 15);
  }
}
