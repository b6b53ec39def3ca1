package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class VacuumHdfsTest extends VacuumContract {
  VacuumHdfsTest() {
    super(TestHubs.hdfs());
  }
}
