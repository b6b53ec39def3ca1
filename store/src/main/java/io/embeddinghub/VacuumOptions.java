package io.embeddinghub;

/**
 * How a vacuum runs.
 *
 * @param retentionCheck refuse a retention below the hub's {@link HubProperties#VACUUM_MIN_RETENTION}
 *     (default 1 hour): a shorter one can delete the files of a version that a reader, a snapshot
 *     or a writer that has not committed yet is still using. Turn it off only when nothing else
 *     uses the space (as Delta's {@code retentionDurationCheck.enabled=false}).
 * @param dryRun delete nothing and expire no version: the result lists the files a vacuum with
 *     the same retention would delete now ({@link VacuumResult#files()}), their count and size,
 *     and the versions it would expire
 */
public record VacuumOptions(boolean retentionCheck, boolean dryRun) {
  /** The retention must be at least the hub's minimum. */
  public static final VacuumOptions DEFAULT = new VacuumOptions(true, false);

  /**
   * Options that delete (no dry run).
   *
   * @param retentionCheck refuse a retention below the hub's minimum
   */
  public VacuumOptions(boolean retentionCheck) {
    this(retentionCheck, false);
  }

  /**
   * {@return options that accept any retention, even zero} For when no reader or writer uses an
   * older version.
   */
  public static VacuumOptions withoutRetentionCheck() {
    return new VacuumOptions(false, false);
  }

  /** {@return these options, but only reporting what would be deleted} */
  public VacuumOptions asDryRun() {
    return new VacuumOptions(retentionCheck, true);
  }
}
