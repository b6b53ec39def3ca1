package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class SpaceModelLocalTest extends SpaceModelContract {
  SpaceModelLocalTest() {
    super(TestHubs.local(), 150);
  }
}
