package io.embeddinghub.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;

/**
 * Runs the tasks of a job. A job (an {@link IndexBuildJob}, an {@link OptimizeJob}, a {@link
 * VacuumJob}, a {@link VerifyJob}) is planned in the JVM that holds the runner, hands the runner
 * its tasks, and commits their results once; the runner only decides where the tasks run: on this
 * JVM's threads ({@link #local}) or, in the connector, on Spark executors. Nothing a job writes
 * depends on the runner, so the files and versions it makes are the same either way.
 *
 * <p>Tasks and their inputs and outputs are serializable: a runner may ship them to other JVMs,
 * where each task gets that JVM's own {@link EngineHub}.
 */
public interface JobRunner {
  /**
   * The hub in the JVM that plans and commits.
   *
   * @return the hub, opened in this JVM
   */
  EngineHub hub();

  /**
   * The heap one task may hold, in bytes: a job sizes its units of work (an index partition, say)
   * to fit it. Derived from the memory of the JVMs that run tasks, divided among the tasks that
   * run at once in each.
   *
   * @return bytes, positive
   */
  long taskMemoryBytes();

  /**
   * Runs {@code task} once per input.
   *
   * @param <I> an input
   * @param <O> a result
   * @param inputs the tasks' inputs
   * @param task what each task runs
   * @return the results, in input order
   */
  <I extends Serializable, O extends Serializable> List<O> map(List<I> inputs, Task<I, O> task);

  /**
   * Runs a shuffle: {@link Shuffle#map} once per input, each emitting records to partitions in
   * {@code 0 .. partitions - 1} and one side result; then {@link Shuffle#reduce} once per
   * partition over every record sent to it, in no particular order. No task holds more than its
   * input's records or its partition's.
   *
   * @param <I> a map input
   * @param <R> a record
   * @param <S> a map task's side result
   * @param <O> a reduce result
   * @param inputs the map tasks' inputs
   * @param partitions the number of reduce partitions
   * @param shuffle the map and reduce steps
   * @return the side results in input order and the reduce results in partition order
   */
  <I extends Serializable, R extends Serializable, S extends Serializable, O extends Serializable>
      Shuffled<S, O> shuffle(List<I> inputs, int partitions, Shuffle<I, R, S, O> shuffle);

  /**
   * The runner of this JVM: tasks run one at a time on the calling thread (a task may use every
   * core itself, as a graph build does), shuffled records spill to local disk.
   *
   * @param hub the hub
   * @return the local runner over it
   */
  static JobRunner local(EngineHub hub) {
    return new LocalRunner(hub);
  }

  /**
   * One task of a job.
   *
   * @param <I> its input
   * @param <O> its result
   */
  @FunctionalInterface
  interface Task<I, O> extends Serializable {
    /**
     * Runs the task.
     *
     * @param hub the hub, opened in the JVM running the task
     * @param input the task's input
     * @return its result
     */
    O run(EngineHub hub, I input);
  }

  /**
   * The map and reduce steps of a shuffle, and how its records are written when a runner spills
   * them.
   *
   * @param <I> a map input
   * @param <R> a record
   * @param <S> a map task's side result
   * @param <O> a reduce result
   */
  interface Shuffle<I, R, S, O> extends Serializable {
    /**
     * The records of one map input, made as the runner walks them.
     *
     * @param hub the hub, opened in the JVM running the task
     * @param input the map input
     * @return its records and side result
     */
    Mapped<R, S> map(EngineHub hub, I input);

    /**
     * Reduces one partition.
     *
     * @param hub the hub, opened in the JVM running the task
     * @param partition the partition, in 0 .. partitions - 1
     * @param records every record sent to it
     * @return the partition's result
     */
    O reduce(EngineHub hub, int partition, Iterator<R> records);

    /**
     * Writes a record (for a runner that spills).
     *
     * @param record the record
     * @param out where to
     * @throws IOException if writing fails
     */
    void write(R record, DataOutput out) throws IOException;

    /**
     * Reads a record {@link #write} wrote.
     *
     * @param in where from
     * @return the record
     * @throws IOException if reading fails
     */
    R read(DataInput in) throws IOException;
  }

  /**
   * One map task's output, walked once.
   *
   * @param <R> a record
   * @param <S> the side result
   */
  interface Mapped<R, S> {
    /**
     * Moves to the next record.
     *
     * @return false when there is none left
     */
    boolean next();

    /**
     * {@return the current record's partition}
     */
    int partition();

    /**
     * {@return the current record}
     */
    R record();

    /**
     * {@return the side result} Asked once, after the last record.
     */
    S side();
  }

  /**
   * What a shuffle returns.
   *
   * @param <S> a map task's side result
   * @param <O> a reduce result
   * @param sides the map tasks' side results, in input order
   * @param reduced the reduce results, in partition order
   */
  record Shuffled<S, O>(List<S> sides, List<O> reduced) {}
}
