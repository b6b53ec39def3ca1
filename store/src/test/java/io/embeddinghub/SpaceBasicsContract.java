package io.embeddinghub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embeddinghub.testing.TestHubs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Key-Value basics, reopening and listing, on whatever file system the subclass picks. */
abstract class SpaceBasicsContract {
  private final TestHubs hubs;

  SpaceBasicsContract(TestHubs hubs) {
    this.hubs = hubs;
  }

  @Test
  void setGetDeleteRoundTripSurvivesReopen() {
    EmbeddingHub hub = hubs.newHub();
    Space space = hub.createSpace("s", 3);
    space.set("a", new float[] {1, 2, 3});
    space.multiset(Map.of("b", new float[] {4, 5, 6}, "c", new float[] {7, 8, 9}));
    space.set("a", new float[] {0, 0, 1});
    assertThat(space.delete("b")).isTrue();
    assertThat(space.delete("b")).isFalse();

    Space reopened = hubs.reopen(hub).getSpace("s");
    assertThat(reopened.size()).isEqualTo(2);
    assertThat(reopened.get("a")).containsExactly(0, 0, 1);
    assertThat(reopened.multiget(List.of("c", "a"))).containsExactly(new float[] {7, 8, 9}, new float[] {0, 0, 1});
    assertThat(reopened.find("b")).isEmpty();
    assertThatThrownBy(() -> reopened.get("b"))
        .isInstanceOf(KeyNotFoundException.class)
        .hasMessageContaining("'b'");
    assertThat(hubs.reopen(hub).listSpaces()).containsExactly("s");
  }

  @Test
  void writesOfAnotherInstanceAreVisibleWithoutReopening() {
    EmbeddingHub hub = hubs.newHub();
    Space mine = hub.createSpace("s", 2);
    Space theirs = hubs.reopen(hub).getSpace("s");
    theirs.set("x", new float[] {1, 1});
    assertThat(mine.get("x")).containsExactly(1, 1);
    assertThat(mine.version()).isEqualTo(1);
  }

  @Test
  void dropSpaceRemovesItAndItsFiles() {
    EmbeddingHub hub = hubs.newHub();
    hub.createSpace("gone", 2).set("k", new float[] {1, 2});
    hub.dropSpace("gone");
    assertThat(hub.listSpaces()).isEmpty();
    assertThat(hubs.listFiles(hub, "gone")).isEmpty();
    assertThatThrownBy(() -> hub.getSpace("gone")).isInstanceOf(SpaceNotFoundException.class);
  }
}
