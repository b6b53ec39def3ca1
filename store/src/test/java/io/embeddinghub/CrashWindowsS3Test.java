package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class CrashWindowsS3Test extends CrashWindowsContract {
  CrashWindowsS3Test() {
    super(TestHubs.s3());
  }
}
