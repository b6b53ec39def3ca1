package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class ConcurrentWritesHdfsTest extends ConcurrentWritesContract {
  ConcurrentWritesHdfsTest() {
    super(TestHubs.hdfs(), 15);
  }
}
