package io.embeddinghub.reliability;

import io.embeddinghub.testing.MiniS3;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;

/**
 * The kill suite on {@code s3a://}: writer JVMs SIGKILLed at random moments while they commit
 * through conditional PUTs; nothing acknowledged is lost and no operation is half applied.
 */
@Tag("slow")
class KillSuiteS3Test extends KillSuiteTest {
  @Override
  String hubUri(Path dir) {
    return MiniS3.bucketUri() + "/kills-" + UUID.randomUUID();
  }

  /** Fewer at CI size: every operation is a few S3 round trips (a long run: -Dreliability.kills=N). */
  @Override
  int defaultKills() {
    return 8;
  }

  @Override
  Map<String, String> storeSettings() {
    return MiniS3.settings(MiniS3.port());
  }
}
