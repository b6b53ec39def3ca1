package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class VacuumHdfsTest extends VacuumContract {
  VacuumHdfsTest() {
    super(TestHubs.hdfs());
  }
}
