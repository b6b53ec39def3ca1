package io.embeddinghub.cli;

import io.embeddinghub.DataFileInfo;
import io.embeddinghub.IndexPartitionInfo;
import io.embeddinghub.Space;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "info", mixinStandardHelpOptions = true, description = "Describe a space at its current version.")
final class InfoCommand implements Callable<Integer> {
  @Mixin HubOption hub;
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "NAME") String name;

  @Override
  public Integer call() {
    Space space = hub.open().getSpace(name);
    List<IndexPartitionInfo> partitions = space.indexPartitions();
    PrintWriter out = spec.commandLine().getOut();
    out.println("name: " + space.name());
    out.println("version: " + space.version());
    out.println("dims: " + space.dimensions());
    out.println("metric: " + space.metric());
    out.println("buckets: " + space.spec().buckets());
    out.println("rows: " + space.size());
    List<DataFileInfo> files = space.dataFiles();
    out.println("data files: " + files.size() + " (" + files.stream().mapToLong(DataFileInfo::sizeBytes).sum()
        + " bytes; target " + space.spec().targetFileBytes() + " bytes or " + space.spec().targetFileRows() + " rows)");
    out.println("deleted rows in data files: "
        + files.stream().mapToLong(f -> f.rows() - f.liveRows()).sum());
    out.println("index partitions: " + partitions.size());
    out.println("index bytes: " + partitions.stream().mapToLong(IndexPartitionInfo::sizeBytes).sum());
    out.println("unindexed rows: " + space.unindexedRows());
    out.println("versions: " + space.history().size());
    return 0;
  }
}
