package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class SpaceModelHdfsTest extends SpaceModelContract {
  SpaceModelHdfsTest() {
    super(TestHubs.hdfs(), 100);
  }
}
