package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

/** The Key-Value, Snapshot and Nearest-Neighbor basics on {@code gs:}. */
class SpaceBasicsGcsTest extends SpaceBasicsContract {
  SpaceBasicsGcsTest() {
    super(TestHubs.gcsLike());
  }
}
