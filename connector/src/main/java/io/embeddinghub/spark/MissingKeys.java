package io.embeddinghub.spark;

/** What a distributed multiget does with keys the space does not hold. */
public enum MissingKeys {
  /** Leave them out of the result. */
  DROP,
  /** Return them with a null embedding. */
  NULL,
  /** Fail the job, naming (some of) them. */
  FAIL
}
