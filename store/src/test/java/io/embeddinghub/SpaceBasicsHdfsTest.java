package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class SpaceBasicsHdfsTest extends SpaceBasicsContract {
  SpaceBasicsHdfsTest() {
    super(TestHubs.hdfs());
  }
}
