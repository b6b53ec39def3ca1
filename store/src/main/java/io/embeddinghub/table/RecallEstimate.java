package io.embeddinghub.table;

import io.embeddinghub.SearchOptions;
import io.embeddinghub.SearchPlan;
import io.embeddinghub.index.RecallSample;
import io.embeddinghub.log.IndexPartition;
import io.embeddinghub.log.SpaceState;
import java.util.List;

/**
 * A version's recall@10 for an (ef, nprobe), predicted from what its index builds measured: each
 * partition's graph recall at the ladder of ef values (interpolated between them), times, for a
 * build split by centroids, the share of true neighbours its routing keeps at that nprobe;
 * averaged over rows, the unindexed tail counting as exact. And the reverse: the cheapest
 * (ef, nprobe) reaching a target.
 */
public final class RecallEstimate {
  private RecallEstimate() {}

  /** The plan {@code options} resolve to on {@code state}, with the strategy of its filter. */
  public static SearchPlan plan(SpaceState state, SearchOptions options) {
    return unfilteredPlan(state, options).withFilter(io.embeddinghub.FilterStrategy.of(options, state.size(), state.metadata().spec().dimensions()));
  }

  private static SearchPlan unfilteredPlan(SpaceState state, SearchOptions options) {
    if (options.exact()) {
      return new SearchPlan(0, 0, true, 1.0);
    }
    int defaultEf = state.metadata().spec().indexParams().ef();
    if (options.targetRecall() <= 0) {
      int ef = options.ef() > 0 ? options.ef() : defaultEf;
      int nprobe = options.nprobe() > 0 ? options.nprobe() : state.metadata().spec().indexParams().nprobe();
      return new SearchPlan(ef, nprobe, false, estimate(state, ef, nprobe));
    }
    int maxProbes = 1;
    for (List<IndexPartition> build : state.builds()) {
      if (build.get(0).hasCentroid()) {
        maxProbes = Math.max(maxProbes, build.size());
      }
    }
    SearchPlan best = null;
    for (int nprobe = 1; nprobe <= maxProbes; nprobe++) {
      for (int ef : RecallSample.EF_LADDER) {
        double recall = estimate(state, ef, nprobe);
        if (recall >= options.targetRecall() && (best == null || (long) ef * nprobe < (long) best.ef() * best.nprobe())) {
          best = new SearchPlan(ef, nprobe, false, recall);
        }
      }
    }
    if (best == null) { // unreachable by the measured range: the most thorough plan
      int ef = RecallSample.EF_LADDER[RecallSample.EF_LADDER.length - 1];
      best = new SearchPlan(ef, maxProbes, false, estimate(state, ef, maxProbes));
    }
    return best;
  }

  /** {@code options} with ef and nprobe fixed as {@link #plan} resolves them. */
  public static SearchOptions resolve(SpaceState state, SearchOptions options) {
    if (options.targetRecall() <= 0) {
      return options;
    }
    SearchPlan plan = unfilteredPlan(state, options);
    return new SearchOptions(plan.ef(), false, plan.nprobe(), 0, options.filter());
  }

  /** Predicted recall@10 at {@code ef} and {@code nprobe} (0: each build's automatic nprobe). */
  public static double estimate(SpaceState state, int ef, int nprobe) {
    double weighted = state.unindexedRows(); // searched exactly
    double rows = weighted;
    for (List<IndexPartition> build : state.builds()) {
      float[] routing = build.get(0).recallAtNprobe();
      int probes = state.metadata().spec().indexParams().probesFor(nprobe, routing);
      double routed = routing == null ? 1.0 : routing[Math.min(probes, routing.length) - 1];
      for (IndexPartition p : build) {
        double graph = p.recallAtEf() == null ? 1.0 : interpolate(p.recallAtEf(), ef);
        weighted += p.rows() * graph * routed;
        rows += p.rows();
      }
    }
    return rows == 0 ? 1.0 : weighted / rows;
  }

  private static double interpolate(float[] curve, int ef) {
    int[] ladder = RecallSample.EF_LADDER;
    int width = Math.max(ef, RecallSample.K);
    if (width <= ladder[0]) {
      return curve[0];
    }
    for (int i = 1; i < ladder.length; i++) {
      if (width <= ladder[i]) {
        double t = (double) (width - ladder[i - 1]) / (ladder[i] - ladder[i - 1]);
        return curve[i - 1] + t * (curve[i] - curve[i - 1]);
      }
    }
    return curve[curve.length - 1];
  }

}
