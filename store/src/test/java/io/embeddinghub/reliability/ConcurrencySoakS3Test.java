package io.embeddinghub.reliability;

import io.embeddinghub.testing.MiniS3;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;

/**
 * The concurrency soak on {@code s3a://} against the in-process S3 server: writer threads and
 * writer JVMs commit through conditional PUTs, and the same checks must hold (nothing acknowledged
 * lost, nothing refused visible, one version per acknowledged change).
 */
@Tag("slow")
class ConcurrencySoakS3Test extends ConcurrencySoakTest {
  @Override
  String hubUri(Path dir) {
    return MiniS3.bucketUri() + "/soak-" + UUID.randomUUID();
  }

  @Override
  Map<String, String> storeSettings() {
    return MiniS3.settings(MiniS3.port());
  }
}
