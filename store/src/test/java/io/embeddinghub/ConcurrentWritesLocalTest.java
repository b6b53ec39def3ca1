package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class ConcurrentWritesLocalTest extends ConcurrentWritesContract {
  ConcurrentWritesLocalTest() {
    super(TestHubs.local(), 30);
  }
}
