package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class SpaceBasicsS3Test extends SpaceBasicsContract {
  SpaceBasicsS3Test() {
    super(TestHubs.s3());
  }
}
