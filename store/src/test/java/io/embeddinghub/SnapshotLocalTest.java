package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class SnapshotLocalTest extends SnapshotContract {
  SnapshotLocalTest() {
    super(TestHubs.local());
  }
}
