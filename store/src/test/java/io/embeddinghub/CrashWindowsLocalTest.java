package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class CrashWindowsLocalTest extends CrashWindowsContract {
  CrashWindowsLocalTest() {
    super(TestHubs.local());
  }
}
