package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class CrashWindowsHdfsTest extends CrashWindowsContract {
  CrashWindowsHdfsTest() {
    super(TestHubs.hdfs());
  }
}
