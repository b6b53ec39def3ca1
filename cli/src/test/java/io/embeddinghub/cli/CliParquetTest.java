package io.embeddinghub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.embeddinghub.EmbeddingHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import} and {@code export} of Parquet files, checked with parquet-mr's own example
 * reader and writer: a file in the legacy two-level list layout with doubles imports exactly (as
 * floats); an export reads back as {@code key, embedding ARRAY<FLOAT>} with every row; bad files
 * are refused with their problem named and nothing stored.
 */
class CliParquetTest {
  @TempDir Path dir;

  private String hub() {
    return dir.resolve("hub").toUri().toString();
  }

  @Test
  void aParquetFileImportsAndAnExportReadsBackWithParquetMr() throws IOException {
    Map<String, float[]> model = CliRoundTripTest.randomVectors(500, 6, 4);
    Path in = dir.resolve("in.parquet");
    MessageType legacy = Types.buildMessage()
        .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("key")
        .requiredGroup().as(LogicalTypeAnnotation.listType()).repeated(PrimitiveTypeName.DOUBLE).named("array")
        .named("vector")
        .named("spark_legacy");
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(in)).withType(legacy)
        .withRowGroupSize(4096L).build()) { // several row groups
      for (Map.Entry<String, float[]> e : model.entrySet()) {
        Group row = new SimpleGroupFactory(legacy).newGroup().append("key", e.getKey());
        Group list = row.addGroup("vector");
        for (float v : e.getValue()) {
          list.append("array", (double) v);
        }
        w.write(row);
      }
    }
    Cli.Result imported = Cli.run("import", "--hub", hub(), "p", in.toString(), "--dims", "6");
    assertThat(imported.exit()).as(imported.err()).isZero();
    var space = EmbeddingHub.open(hub()).getSpace("p");
    assertThat(space.size()).isEqualTo(model.size());
    model.forEach((k, v) -> assertThat(space.get(k)).as(k).containsExactly(v));

    Path out = dir.resolve("out.parquet");
    Cli.Result exported = Cli.run("export", "--hub", hub(), "p", out.toString());
    assertThat(exported.exit()).as(exported.err()).isZero();
    Map<String, float[]> read = new HashMap<>();
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(out))) {
      MessageType schema = reader.getFooter().getFileMetaData().getSchema();
      assertThat(schema.getType("embedding").getLogicalTypeAnnotation()).isEqualTo(LogicalTypeAnnotation.listType());
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> rows = new ColumnIOFactory().getColumnIO(schema).getRecordReader(pages, new GroupRecordConverter(schema));
        for (long r = 0; r < pages.getRowCount(); r++) {
          Group g = rows.read();
          Group list = g.getGroup("embedding", 0);
          float[] v = new float[list.getFieldRepetitionCount("list")];
          for (int i = 0; i < v.length; i++) {
            v[i] = list.getGroup("list", i).getFloat("element", 0);
          }
          assertThat(read.put(g.getString("key", 0), v)).as("key written twice").isNull();
        }
      }
    }
    assertThat(read.keySet()).isEqualTo(model.keySet());
    model.forEach((k, v) -> assertThat(read.get(k)).as(k).containsExactly(v));
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).as("no temporary file left")
        .noneMatch(n -> n.endsWith(".tmp"));
  }

  @Test
  void aParquetFileWithoutKeyOrVectorColumnIsRefusedAndNothingIsStored() throws IOException {
    Path in = dir.resolve("wrong.parquet");
    MessageType noVector = Types.buildMessage()
        .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("key")
        .required(PrimitiveTypeName.FLOAT).named("x")
        .named("wrong");
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(in)).withType(noVector).build()) {
      w.write(new SimpleGroupFactory(noVector).newGroup().append("key", "a").append("x", 1f));
    }
    assertThat(Cli.run("create", "--hub", hub(), "s", "--dims", "3").exit()).isZero();
    Cli.Result result = Cli.run("import", "--hub", hub(), "s", in.toString());
    assertThat(result.exit()).isEqualTo(1);
    assertThat(result.err()).contains("needs a list column 'embedding' or 'vector'", "wrong.parquet");
    assertThat(EmbeddingHub.open(hub()).getSpace("s").size()).isZero();
    assertThat(EmbeddingHub.open(hub()).getSpace("s").history()).hasSize(1);
    assertThat(List.of(result.out())).allMatch(o -> !o.contains("imported"));

    Path garbage = dir.resolve("garbage.parquet");
    Files.writeString(garbage, "key,1,2,3\n");
    Cli.Result notParquet = Cli.run("import", "--hub", hub(), "s", garbage.toString());
    assertThat(notParquet.exit()).isEqualTo(1);
    assertThat(notParquet.err()).contains("cannot read", "garbage.parquet", "as Parquet");
    assertThat(EmbeddingHub.open(hub()).getSpace("s").history()).hasSize(1);
  }
}
