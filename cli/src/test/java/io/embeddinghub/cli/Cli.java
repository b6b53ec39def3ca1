package io.embeddinghub.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command in-process as a user would, capturing stdout, stderr and the exit code. */
final class Cli {
  record Result(int exit, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = EmbeddingHubCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  private Cli() {}
}
