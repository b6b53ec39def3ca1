package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class ConcurrentWritesS3Test extends ConcurrentWritesContract {
  ConcurrentWritesS3Test() {
    super(TestHubs.s3(), 15);
  }
}
