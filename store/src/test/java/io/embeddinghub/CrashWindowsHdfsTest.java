package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class CrashWindowsHdfsTest extends CrashWindowsContract {
  CrashWindowsHdfsTest() {
    super(TestHubs.hdfs());
  }
}
