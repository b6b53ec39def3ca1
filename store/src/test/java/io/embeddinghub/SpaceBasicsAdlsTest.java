package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

/** The Key-Value, Snapshot and Nearest-Neighbor basics on {@code abfs:} (a hierarchical-namespace account). */
class SpaceBasicsAdlsTest extends SpaceBasicsContract {
  SpaceBasicsAdlsTest() {
    super(TestHubs.adlsLike());
  }
}
