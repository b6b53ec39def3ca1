package io.embeddinghub.table;

import io.embeddinghub.log.KeyOrder;
import io.embeddinghub.log.LiveFile;
import io.embeddinghub.log.SpaceState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Picks what {@code optimize} rewrites, bucket by bucket, from file metadata alone (no file is
 * read). A file is <em>well-sized</em> when it holds at least half the target rows and at most
 * {@value #MAX_DELETED_FRACTION} of them are deleted. A bucket's well-sized files that overlap no
 * other well-sized file form its <em>run</em>: sorted, non-overlapping, left alone. Every other
 * file is rewritten (small, deletion-heavy or overlapping), together with the run files whose key
 * range it overlaps, so that the rewritten rows come out non-overlapping with the rest of the run.
 * Candidates that no kept run file separates are merged together (small files become fewer,
 * larger ones); a candidate alone in such a stretch, without deletions and overlapping no file,
 * is left alone too: rewriting it would write the same file again (and optimize would never settle).
 *
 * <p>With keys spread by hash (the usual case) a new small file overlaps every run file, so an
 * optimize after appends rewrites the bucket whole; with keys that grow (time-ordered, say) it
 * rewrites only the last run file.
 */
final class CompactionPlanner {
  /** A file with more deleted rows than this fraction is rewritten, whatever its size. */
  static final double MAX_DELETED_FRACTION = 0.10;

  private CompactionPlanner() {}

  /** One group per bucket that needs a rewrite and that {@code bucketDue} selects. */
  static List<CompactionGroup> plan(SpaceState state, Predicate<List<LiveFile>> bucketDue) {
    int rowsPerFile = state.metadata().spec().rowsPerFile();
    List<CompactionGroup> groups = new ArrayList<>();
    for (int bucket = 0; bucket < state.metadata().spec().buckets(); bucket++) {
      List<LiveFile> files = state.filesInBucket(bucket);
      if (!files.isEmpty() && bucketDue.test(files)) {
        CompactionGroup group = planBucket(bucket, files, rowsPerFile);
        if (group != null) {
          groups.add(group);
        }
      }
    }
    return groups;
  }

  /** The group rewriting {@code files}' bucket, or null when it is fine as it is. */
  static CompactionGroup planBucket(int bucket, List<LiveFile> files, int rowsPerFile) {
    List<LiveFile> wellSized = new ArrayList<>();
    List<LiveFile> candidates = new ArrayList<>();
    for (LiveFile f : files) {
      (isWellSized(f, rowsPerFile) ? wellSized : candidates).add(f);
    }
    wellSized.sort(Comparator.comparing((LiveFile f) -> f.file().minKey(), KeyOrder.COMPARATOR));
    List<LiveFile> run = new ArrayList<>();
    for (int i = 0; i < wellSized.size(); i++) {
      boolean overlapsPrevious = i > 0 && overlaps(wellSized.get(i - 1), wellSized.get(i));
      boolean overlapsNext = i + 1 < wellSized.size() && overlaps(wellSized.get(i), wellSized.get(i + 1));
      (overlapsPrevious || overlapsNext ? candidates : run).add(wellSized.get(i));
    }
    List<LiveFile> touchedRun = new ArrayList<>();
    List<LiveFile> keptRun = new ArrayList<>();
    for (LiveFile r : run) {
      (overlapsAny(r, candidates) ? touchedRun : keptRun).add(r);
    }
    // candidates not separated by a kept run file merge together; one alone, clean and overlapping
    // nothing, would only be written again as it is
    candidates.sort(Comparator.comparing((LiveFile f) -> f.file().minKey(), KeyOrder.COMPARATOR));
    List<LiveFile> rewrite = new ArrayList<>(touchedRun);
    List<CompactionGroup.KeyRange> kept = new ArrayList<>();
    keptRun.forEach(r -> kept.add(range(r)));
    int from = 0;
    while (from < candidates.size()) {
      int to = from + 1;
      String segmentMax = candidates.get(from).file().maxKey();
      while (to < candidates.size() && !separated(segmentMax, candidates.get(to).file().minKey(), keptRun)) {
        segmentMax = KeyOrder.compare(segmentMax, candidates.get(to).file().maxKey()) >= 0
            ? segmentMax : candidates.get(to).file().maxKey();
        to++;
      }
      LiveFile first = candidates.get(from);
      if (to - from == 1 && first.deleted().isEmpty() && !overlapsAny(first, run)) {
        kept.add(range(first));
      } else {
        rewrite.addAll(candidates.subList(from, to));
      }
      from = to;
    }
    if (rewrite.isEmpty()) {
      return null;
    }
    kept.sort(Comparator.comparing(CompactionGroup.KeyRange::min, KeyOrder.COMPARATOR));
    long liveRows = rewrite.stream().mapToLong(LiveFile::liveRows).sum();
    return new CompactionGroup(bucket, rewrite, kept, liveRows, rowsPerFile);
  }

  private static CompactionGroup.KeyRange range(LiveFile f) {
    return new CompactionGroup.KeyRange(f.file().minKey(), f.file().maxKey());
  }

  /** Whether a kept file lies wholly between keys {@code below} and {@code above}. */
  private static boolean separated(String below, String above, List<LiveFile> keptRun) {
    return keptRun.stream().anyMatch(
        r -> KeyOrder.compare(below, r.file().minKey()) < 0 && KeyOrder.compare(r.file().maxKey(), above) < 0);
  }

  static boolean isWellSized(LiveFile f, int rowsPerFile) {
    long rows = f.file().rows();
    return rows >= Math.max(1, rowsPerFile / 2) && f.deleted().cardinality() <= MAX_DELETED_FRACTION * rows;
  }

  private static boolean overlapsAny(LiveFile f, List<LiveFile> others) {
    return others.stream().anyMatch(o -> overlaps(f, o));
  }

  private static boolean overlaps(LiveFile a, LiveFile b) {
    return KeyOrder.compare(a.file().minKey(), b.file().maxKey()) <= 0
        && KeyOrder.compare(b.file().minKey(), a.file().maxKey()) <= 0;
  }
}
