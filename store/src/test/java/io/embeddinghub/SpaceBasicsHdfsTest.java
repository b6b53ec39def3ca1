package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class SpaceBasicsHdfsTest extends SpaceBasicsContract {
  SpaceBasicsHdfsTest() {
    super(TestHubs.hdfs());
  }
}
