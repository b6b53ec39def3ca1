package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class SpaceModelS3Test extends SpaceModelContract {
  SpaceModelS3Test() {
    super(TestHubs.s3(), 100);
  }
}
