package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class ConcurrentWritesHdfsTest extends ConcurrentWritesContract {
  ConcurrentWritesHdfsTest() {
    super(TestHubs.hdfs(), 15);
  }
}
