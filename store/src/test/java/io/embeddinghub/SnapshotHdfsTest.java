package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class SnapshotHdfsTest extends SnapshotContract {
  SnapshotHdfsTest() {
    super(TestHubs.hdfs());
  }
}
