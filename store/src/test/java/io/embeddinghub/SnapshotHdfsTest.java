package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class SnapshotHdfsTest extends SnapshotContract {
  SnapshotHdfsTest() {
    super(TestHubs.hdfs());
  }
}
