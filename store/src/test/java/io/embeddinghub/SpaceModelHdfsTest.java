package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class SpaceModelHdfsTest extends SpaceModelContract {
  SpaceModelHdfsTest() {
    super(TestHubs.hdfs(), 100);
  }
}
