package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class SnapshotS3Test extends SnapshotContract {
  SnapshotS3Test() {
    super(TestHubs.s3());
  }
}
