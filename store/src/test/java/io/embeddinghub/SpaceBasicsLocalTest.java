package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class SpaceBasicsLocalTest extends SpaceBasicsContract {
  SpaceBasicsLocalTest() {
    super(TestHubs.local());
  }
}
