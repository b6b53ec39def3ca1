package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow") // racing writers: conflicts, retries and backoff, as on HDFS and S3
class ConcurrentWritesLocalTest extends ConcurrentWritesContract {
  ConcurrentWritesLocalTest() {
    super(TestHubs.local(), 30);
  }
}
