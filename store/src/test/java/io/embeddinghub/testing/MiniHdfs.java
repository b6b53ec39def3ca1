package io.embeddinghub.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** One MiniDFSCluster for the whole test JVM, started on first use, stopped at JVM exit. */
public final class MiniHdfs {
  private static MiniDFSCluster cluster;

  private MiniHdfs() {}

  public static synchronized String uri() {
    return cluster().getURI().toString();
  }

  public static synchronized Configuration conf() {
    return new Configuration(cluster().getConfiguration(0));
  }

  private static MiniDFSCluster cluster() {
    if (cluster == null) {
      try {
        File base = new File("target/minidfs-" + ProcessHandle.current().pid()).getAbsoluteFile();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getPath());
        conf.setInt("dfs.replication", 1);
        // close() need not wait for the datanode's block report (otherwise each file close
        // polls the namenode with a 400 ms initial backoff): test-cluster latency, not ours
        conf.setInt("dfs.namenode.file.close.num-committed-allowed", 1);
        conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 5);
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
        cluster.waitActive();
        MiniDFSCluster started = cluster;
        Runtime.getRuntime().addShutdownHook(new Thread(started::shutdown));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start MiniDFSCluster", e);
      }
    }
    return cluster;
  }
}
