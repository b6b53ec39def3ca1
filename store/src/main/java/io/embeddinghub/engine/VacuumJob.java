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
 * A vacuum of one space, defined once and run by any {@link JobRunner} ({@link #run}): {@link
 * #plan} on the runner's JVM (the retention checked, expired versions dropped from the log first,
 * the unreferenced files listed), {@link #delete} of each {@link #slices slice} of {@value
 * #FILES_PER_TASK} files as a task (on an object store each delete is a request: this is where a
 * large space's vacuum spends its time), then {@link #result} of the slices' results. A dry run
 * plans only. Serializable and immutable.
 */
public final class VacuumJob implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Files a task deletes. */
  public static final int FILES_PER_TASK = 1000;

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

  /**
   * Vacuums {@code space} (see {@link io.embeddinghub.Space#vacuum(Duration, VacuumOptions)}).
   *
   * @param runner where the deletes run
   * @param space the space to vacuum
   * @param retention how long a version stays readable after a newer one replaced it
   * @param options the retention check and dry-run settings
   * @return the files deleted (or, for a dry run, that would be) and versions expired
   * @throws io.embeddinghub.InvalidInputException if the retention check is on and
   *     {@code retention} is shorter than the hub's minimum
   * @throws io.embeddinghub.SpaceNotFoundException if the hub has no space of that name
   */
  public static VacuumResult run(JobRunner runner, String space, Duration retention, VacuumOptions options) {
    return plan(runner.hub(), space, retention, options).execute(runner);
  }

  /**
   * Vacuums every space of the hub, and deletes what dropped spaces left behind that nothing
   * references (see {@link io.embeddinghub.EmbeddingHub#vacuum(Duration, VacuumOptions)}).
   *
   * @param runner where the deletes run
   * @param retention how long a version stays readable after a newer one replaced it
   * @param options the retention check and dry-run settings
   * @return the results summed over the hub
   * @throws io.embeddinghub.InvalidInputException if the retention check is on and
   *     {@code retention} is shorter than the hub's minimum
   */
  public static VacuumResult runHub(JobRunner runner, Duration retention, VacuumOptions options) {
    HubContext ctx = runner.hub().context();
    VacuumResult total = new VacuumResult(0, 0, 0);
    for (String dir : Vacuum.hubDirectories(ctx, retention, options)) {
      total = total.plus(new VacuumJob(Vacuum.planDirectory(ctx, dir, retention, options)).execute(runner));
    }
    return total;
  }

  /** Deletes the planned files on the runner, a slice per task. */
  private VacuumResult execute(JobRunner runner) {
    if (plan.dryRun() || plan.files().isEmpty()) {
      return result(List.of());
    }
    return result(runner.map(slices(FILES_PER_TASK), (hub, slice) -> delete(hub, slice)));
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
