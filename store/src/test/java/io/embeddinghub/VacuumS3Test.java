package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;
import org.junit.jupiter.api.Tag;

@Tag("slow")
class VacuumS3Test extends VacuumContract {
  VacuumS3Test() {
    super(TestHubs.s3());
  }
}
