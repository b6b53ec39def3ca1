package io.embeddinghub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/GUIDE.md's command table lists exactly the CLI's commands. */
class DocumentedCommandsTest {
  @Test
  void guideListsEveryCommand() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "GUIDE.md"));
    int start = lines.indexOf("## Command line");
    assertThat(start).as("'## Command line' in docs/GUIDE.md").isNotNegative();
    Set<String> documented = new TreeSet<>();
    Pattern command = Pattern.compile("^\\| `([a-z-]+)` \\|");
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      Matcher m = command.matcher(line);
      if (m.find()) {
        documented.add(m.group(1));
      }
    }
    Set<String> commands = EmbeddingHubCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
        .getSubcommands().keySet();

    assertThat(documented).containsExactlyInAnyOrderElementsOf(commands);
  }
}
