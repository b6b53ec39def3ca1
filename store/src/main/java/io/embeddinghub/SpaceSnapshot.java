package io.embeddinghub;

import io.embeddinghub.log.SpaceState;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.StateReader;
import java.time.Instant;

/**
 * One immutable version of a space: every read answers from exactly that version, however the
 * space changes afterwards (until vacuum expires the version).
 */
public final class SpaceSnapshot extends StoredSpaceReads {
  private final HubContext ctx;
  private final StateReader reader;

  SpaceSnapshot(HubContext ctx, SpaceState state) {
    this.ctx = ctx;
    this.reader = new StateReader(ctx, state);
  }

  @Override
  StateReader reader() {
    return reader;
  }

  @Override
  HubContext context() {
    return ctx;
  }

  @Override
  public SpaceSpec spec() {
    return reader.state().metadata().spec();
  }

  /** {@return the version this snapshot reads} */
  public long version() {
    return reader.state().version();
  }

  /** {@return when this version was committed} */
  public Instant timestamp() {
    return Instant.ofEpochMilli(reader.state().timestampMillis());
  }

  /** {@return an in-memory, writable copy of this version} */
  public LocalSpace download() {
    return downloadPinned();
  }

  @Override
  public String toString() {
    return "SpaceSnapshot{" + name() + "@" + version() + "}";
  }
}
