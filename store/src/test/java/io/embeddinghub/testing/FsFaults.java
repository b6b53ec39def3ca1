package io.embeddinghub.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What a {@link FaultInjectingFileSystem} does: counts its calls per {@link Kind}, records every
 * path it is asked about, sleeps if told to, and fails the n-th call of one kind once armed. One
 * controller per test hub, found through the Hadoop configuration (every file system instance
 * the configuration makes, including {@code FileContext}'s, shares it).
 */
public final class FsFaults {
  private static final String ID_KEY = "embeddinghub.test.fs-faults.id";
  private static final Map<String, FsFaults> REGISTRY = new ConcurrentHashMap<>();

  /** The file system calls that can fail. */
  public enum Kind {
    /** create / createNonRecursive of an output stream: fails after creating the (empty) file. */
    CREATE,
    /** a write to an output stream: writes half its bytes, then fails (a partial write). */
    WRITE,
    /** close of an output stream: what was written lands, then the close fails. */
    CLOSE,
    /** a rename that fails before renaming. */
    RENAME,
    /** a rename that lands, then reports an error (a lost reply: the caller cannot know). */
    RENAME_LANDED,
    /** a delete that fails without deleting. */
    DELETE,
    /** a directory listing (listStatus, listLocatedStatus, each directory of listFiles). */
    LIST,
    /** an open for reading (open, openFile). */
    OPEN,
    /** a read from an input stream (read, positioned read, readFully). */
    READ,
    /** a mkdirs. */
    MKDIRS;

    /** The counter a call of this kind advances (RENAME_LANDED arms the n-th rename). */
    Kind counted() {
      return this == RENAME_LANDED ? RENAME : this;
    }
  }

  /** An armed fault that fired: its kind, call number and path. */
  public record Fault(Kind kind, int call, String path) {
    boolean afterEffect() {
      return kind == Kind.RENAME_LANDED;
    }

    IOException exception() {
      return new InjectedIOException(this);
    }
  }

  /** The exception every injected fault throws, so a test can find it in a cause chain. */
  public static final class InjectedIOException extends IOException {
    private final Fault fault;

    InjectedIOException(Fault fault) {
      super("injected fault: " + fault.kind() + " #" + fault.call() + " of " + fault.path());
      this.fault = fault;
    }

    public Fault fault() {
      return fault;
    }
  }

  private final String id = UUID.randomUUID().toString();
  private final Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
  private final Set<String> paths = ConcurrentHashMap.newKeySet();
  private final List<Fault> fired = new ArrayList<>();
  /** The path of each call since the last reset, per kind (call n at index n - 1). */
  private final Map<Kind, List<String>> callPaths = new EnumMap<>(Kind.class);
  private Kind armedKind;
  private int armedCall;
  private long delayMillis;

  private FsFaults() {}

  /** A new controller, registered until {@link #close()}. */
  public static FsFaults create() {
    FsFaults faults = new FsFaults();
    REGISTRY.put(faults.id, faults);
    return faults;
  }

  /** Registers the {@code fault:} file system in {@code conf}, controlled by this. */
  public Configuration configure(Configuration conf) {
    conf.set("fs." + FaultInjectingFileSystem.SCHEME + ".impl", FaultInjectingFileSystem.class.getName());
    conf.setBoolean("fs." + FaultInjectingFileSystem.SCHEME + ".impl.disable.cache", true);
    conf.set(
        "fs.AbstractFileSystem." + FaultInjectingFileSystem.SCHEME + ".impl",
        FaultInjectingFileSystem.ForFileContext.class.getName());
    conf.set(ID_KEY, id);
    return conf;
  }

  static FsFaults of(Configuration conf) {
    String id = conf.get(ID_KEY);
    FsFaults faults = id == null ? null : REGISTRY.get(id);
    if (faults == null) {
      throw new IllegalStateException("No FsFaults registered for " + ID_KEY + "=" + id);
    }
    return faults;
  }

  /** Unregisters: file systems made from this configuration fail afterwards. */
  public void close() {
    REGISTRY.remove(id);
  }

  /** Fail the {@code n}-th call (1-based, counted from now) of {@code kind}, once. */
  public synchronized void arm(Kind kind, int n) {
    counts.clear();
    fired.clear();
    callPaths.clear();
    armedKind = kind;
    armedCall = n;
  }

  /** No fault armed; counting goes on. */
  public synchronized void disarm() {
    armedKind = null;
  }

  /** Zeroes the counters (and forgets fired faults). */
  public synchronized void resetCounts() {
    counts.clear();
    fired.clear();
    callPaths.clear();
  }

  /** Every call sleeps this long first (slow storage); 0 for none. */
  public synchronized void delay(long millis) {
    delayMillis = millis;
  }

  /** Calls of each kind since the last {@link #arm} or {@link #resetCounts}. */
  public synchronized Map<Kind, Integer> counts() {
    return new EnumMap<>(counts);
  }

  /** The path of each call of {@code kind} since the last {@link #arm} or {@link #resetCounts}, in order. */
  public synchronized List<String> callPaths(Kind kind) {
    return List.copyOf(callPaths.getOrDefault(kind.counted(), List.of()));
  }

  /** Faults that fired since the last {@link #arm} or {@link #resetCounts}. */
  public synchronized List<Fault> fired() {
    return List.copyOf(fired);
  }

  /** Every path (as the file system saw it, qualified) any call named. */
  public Set<String> paths() {
    return Set.copyOf(paths);
  }

  /** Counts a call; returns the fault to inject, or null. */
  Fault call(Kind kind, Path path, Path... others) throws IOException {
    paths.add(path.toUri().getPath());
    for (Path p : others) {
      paths.add(p.toUri().getPath());
    }
    long delay;
    Fault fault = null;
    synchronized (this) {
      int n = counts.merge(kind, 1, Integer::sum);
      callPaths.computeIfAbsent(kind, k -> new ArrayList<>()).add(path.toUri().getPath());
      if (armedKind != null && armedKind.counted() == kind && armedCall == n) {
        fault = new Fault(armedKind, n, path.toUri().getPath());
        fired.add(fault);
        armedKind = null;
      }
      delay = delayMillis;
    }
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted in an injected delay");
      }
    }
    return fault;
  }
}
