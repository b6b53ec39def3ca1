package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow") // crash windows, as on HDFS and S3
class CrashWindowsLocalTest extends CrashWindowsContract {
  CrashWindowsLocalTest() {
    super(TestHubs.local());
  }
}
