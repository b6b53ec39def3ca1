package io.embeddinghub;

import io.embeddinghub.testing.TestHubs;

class VacuumLocalTest extends VacuumContract {
  VacuumLocalTest() {
    super(TestHubs.local());
  }
}
