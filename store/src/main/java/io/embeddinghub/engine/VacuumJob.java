package io.embeddinghub.engine;

import io.embeddinghub.VacuumOptions;
import io.embeddinghub.VacuumResult;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.Vacuum;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A vacuum of one space split into steps an engine can spread over its tasks: {@link #plan} on the
 * driver (the retention checked, expired versions dropped from the log first, the unreferenced
 * files listed), {@link #delete} of each {@link #slices slice} of those files in tasks, then
 * {@link #result} of the slices' results. A dry run plans only. Serializable and immutable.
 */
public final class VacuumJob implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The checked retention, the expired versions and the files to delete. */
  private final Vacuum.Plan plan;

  private VacuumJob(Vacuum.Plan plan) {
    this.plan = plan;
  }

  /**
   * Plans the vacuum of {@code space} (see {@link io.embeddinghub.Space#vacuum(Duration, VacuumOptions)}).
   * Unless a dry run, this already expires the versions older than the retention.
   *
   * @param hub the hub, opened in this JVM
   * @param space the space to vacuum
   * @param retention how long a version stays readable after a newer one replaced it
   * @param options the retention check and dry-run settings
   * @return the job
   * @throws io.embeddinghub.InvalidInputException if the retention check is on and
   *     {@code retention} is shorter than the hub's minimum
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   */
  public static VacuumJob plan(EngineHub hub, String space, Duration retention, VacuumOptions options) {
    HubContext ctx = hub.context();
    return new VacuumJob(Vacuum.plan(ctx, space, retention, options));
  }

  /** {@return whether the job only reports} Then {@link #result} needs no slice deleted. */
  public boolean dryRun() {
    return plan.dryRun();
  }

  /** {@return how many files the job deletes} */
  public int files() {
    return plan.files().size();
  }

  /**
   * A part of the files to delete (a task's work). Opaque to engines.
   */
  public static final class Slice implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The files. */
    private final List<Vacuum.Candidate> files;

    Slice(List<Vacuum.Candidate> files) {
      this.files = List.copyOf(files);
    }
  }

  /**
   * The files to delete in slices of at most {@code maxFiles}.
   *
   * @param maxFiles the most files a slice holds, at least 1
   * @return the slices; none when there is nothing to delete
   * @throws IllegalArgumentException if {@code maxFiles} is below 1
   */
  public List<Slice> slices(int maxFiles) {
    if (maxFiles < 1) {
      throw new IllegalArgumentException("A vacuum slice holds at least one file, got " + maxFiles);
    }
    List<Slice> out = new ArrayList<>();
    List<Vacuum.Candidate> files = plan.files();
    for (int from = 0; from < files.size(); from += maxFiles) {
      out.add(new Slice(files.subList(from, Math.min(files.size(), from + maxFiles))));
    }
    return out;
  }

  /**
   * Deletes one slice's files (a file already gone is not counted).
   *
   * @param hub the hub, opened in this JVM
   * @param slice the slice
   * @return the files and bytes deleted
   * @throws IllegalStateException if the job is a dry run
   */
  public VacuumResult delete(EngineHub hub, Slice slice) {
    HubContext ctx = hub.context();
    if (plan.dryRun()) {
      throw new IllegalStateException("A dry run deletes nothing: " + this);
    }
    return Vacuum.delete(ctx, slice.files);
  }

  /**
   * What the vacuum did: the slices' deletions and the versions expired; for a dry run, what it
   * would do.
   *
   * @param slices the results of {@link #delete} for every slice (ignored for a dry run)
   * @return the summed result
   */
  public VacuumResult result(List<VacuumResult> slices) {
    if (plan.dryRun()) {
      return plan.asDryRunResult();
    }
    VacuumResult total = new VacuumResult(0, 0, plan.versionsExpired());
    for (VacuumResult r : slices) {
      total = total.plus(r);
    }
    return total;
  }

  @Override
  public String toString() {
    return "VacuumJob{" + plan.space() + ", files=" + files() + (dryRun() ? ", dry run" : "") + "}";
  }
}
