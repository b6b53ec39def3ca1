package io.embeddinghub.engine;

import io.embeddinghub.VerifyResult;
import io.embeddinghub.internal.Errors;
import io.embeddinghub.table.HubContext;
import io.embeddinghub.table.Verifier;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A verify of one space, defined once and run by any {@link JobRunner} ({@link #run}): planned on
 * the runner's JVM (the log read and checked, the data and index files listed), {@link #check} of
 * each {@link #slices slice} of {@value #FILES_PER_TASK} files as a task (one file at a time: a task
 * holds one row group or one index partition, never a space), then {@link #result} of the slices'
 * results. Changes nothing. Serializable and immutable.
 */
public final class VerifyJob implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Files a task checks. */
  public static final int FILES_PER_TASK = 4;

  /** The log's findings and the files left to check. */
  private final Verifier.Plan plan;

  private VerifyJob(Verifier.Plan plan) {
    this.plan = plan;
  }

  /**
   * Plans a verify of the latest version of a space.
   *
   * @param hub the hub
   * @param space the space's name
   * @return the job
   */
  public static VerifyJob latest(EngineHub hub, String space) {
    HubContext ctx = hub.context();
    return new VerifyJob(Verifier.plan(ctx, space, Verifier.LATEST));
  }

  /**
   * Plans a verify of one retained version.
   *
   * @param hub the hub
   * @param space the space's name
   * @param version the version whose files to check
   * @return the job
   */
  public static VerifyJob at(EngineHub hub, String space, long version) {
    HubContext ctx = hub.context();
    if (version < 0) {
      throw Errors.mustBe("Version", ">= 0", version);
    }
    return new VerifyJob(Verifier.plan(ctx, space, version));
  }

  /**
   * Plans a verify of every retained version (each file checked once).
   *
   * @param hub the hub
   * @param space the space's name
   * @return the job
   */
  public static VerifyJob all(EngineHub hub, String space) {
    HubContext ctx = hub.context();
    return new VerifyJob(Verifier.plan(ctx, space, Verifier.ALL));
  }

  /**
   * Runs the checks on the runner, a slice per task, and combines them with the log's findings.
   *
   * @param runner where the checks run
   * @return every damaged file, each named once
   */
  public VerifyResult run(JobRunner runner) {
    if (files() == 0) {
      return result(List.of());
    }
    return result(runner.map(slices(FILES_PER_TASK), (hub, slice) -> check(hub, slice)));
  }

  /** {@return how many data and index files the tasks check} */
  public int files() {
    return plan.files().size();
  }

  /**
   * A part of the files to check (a task's work). Opaque to engines.
   */
  public static final class Slice implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The files, checked in this order. */
    private final List<Verifier.FileCheck> files;

    Slice(List<Verifier.FileCheck> files) {
      this.files = List.copyOf(files);
    }
  }

  /**
   * The files to check, in slices.
   *
   * @param maxFiles the most files a slice holds
   * @return the slices, in the plan's file order
   */
  public List<Slice> slices(int maxFiles) {
    if (maxFiles < 1) {
      throw new IllegalArgumentException("A verify slice holds at least one file, got " + maxFiles);
    }
    List<Slice> out = new ArrayList<>();
    List<Verifier.FileCheck> files = plan.files();
    for (int from = 0; from < files.size(); from += maxFiles) {
      out.add(new Slice(files.subList(from, Math.min(files.size(), from + maxFiles))));
    }
    return out;
  }

  /**
   * Checks one slice's files, one at a time (in a task).
   *
   * @param hub the hub, as the task sees it
   * @param slice the files to check
   * @return what the slice's files showed
   */
  public VerifyResult check(EngineHub hub, Slice slice) {
    HubContext ctx = hub.context();
    VerifyResult out = new VerifyResult(plan.space(), List.of(), 0, 0, List.of());
    for (Verifier.FileCheck f : slice.files) {
      out = out.plus(Verifier.check(ctx, plan.space(), f));
    }
    return out;
  }

  /**
   * The log's findings and the slices' results as one, in the plan's file order.
   *
   * @param slices the results of {@link #check}, one per slice
   * @return the verify's result
   */
  public VerifyResult result(List<VerifyResult> slices) {
    VerifyResult total = plan.logResult();
    for (VerifyResult r : slices) {
      total = total.plus(new VerifyResult(r.space(), plan.versions(), r.filesChecked(), r.rowsChecked(), r.problems()));
    }
    return total;
  }

  @Override
  public String toString() {
    return "VerifyJob{" + plan.space() + ", versions=" + plan.versions().size() + ", files=" + files() + "}";
  }
}
