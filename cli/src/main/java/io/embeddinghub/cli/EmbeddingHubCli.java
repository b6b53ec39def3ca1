package io.embeddinghub.cli;

import io.embeddinghub.EmbeddingHubException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code embeddinghub} command: one subcommand per operation of the embedded API.
 *
 * <p>Exit codes: {@value #OK} success, {@value #USER_ERROR} bad input or a missing space, key or
 * file (the library's message, no stack trace), {@value #USAGE_ERROR} usage error (picocli),
 * {@value #INTERNAL_ERROR} an unexpected internal error (message and stack trace on stderr),
 * {@value #DAMAGE_FOUND} {@code verify} found damaged files.
 */
@Command(
    name = "embeddinghub",
    mixinStandardHelpOptions = true,
    version = "embeddinghub 0.1.0-SNAPSHOT",
    description = "Vector spaces on a hub directory (file:, hdfs:, s3a: ...).",
    subcommands = {
      CreateCommand.class,
      ListCommand.class,
      InfoCommand.class,
      HistoryCommand.class,
      ImportCommand.class,
      ExportCommand.class,
      GetCommand.class,
      NnCommand.class,
      OptimizeCommand.class,
      IndexCommand.class,
      VacuumCommand.class,
      VerifyCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:success",
      "1:user error (bad input, missing space, key or file)",
      "2:usage error",
      "3:internal error",
      "4:verify found damaged files"
    })
public final class EmbeddingHubCli implements Runnable {
  /** Exit code of success. */
  public static final int OK = 0;

  /**
   * Exit code of bad input or a missing space, key or file: an {@link EmbeddingHubException}, or
   * an input error the CLI itself found (an unreadable file, say).
   */
  public static final int USER_ERROR = 1;

  /** Exit code of a command line picocli cannot parse, or a missing subcommand. */
  public static final int USAGE_ERROR = 2;

  /** Exit code of any other failure. */
  public static final int INTERNAL_ERROR = 3;
  /** What {@code verify} returns when it found damaged files (it lists them). */
  public static final int DAMAGE_FOUND = 4;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Whether progress bars are drawn: true only when running on a terminal. */
  boolean terminal;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
  }

  /**
   * A command line with our exit codes, writing to the given streams, without progress bars.
   *
   * @param out where results go
   * @param err where errors go
   * @return the command line; {@link CommandLine#execute} returns the exit code
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, false);
  }

  /**
   * A command line with our exit codes, writing to the given streams; {@code terminal} turns on
   * progress bars (on {@code err}) for long work.
   *
   * @param out where results go
   * @param err where errors and progress bars go
   * @param terminal whether to draw progress bars
   * @return the command line; {@link CommandLine#execute} returns the exit code
   */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean terminal) {
    EmbeddingHubCli root = new EmbeddingHubCli();
    root.terminal = terminal;
    CommandLine cl = new CommandLine(root);
    // metric names as the rest of the product takes them: any case, and the same aliases
    cl.registerConverter(io.embeddinghub.Metric.class, io.embeddinghub.Metric::parse);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(EmbeddingHubCli::exitCode);
    cl.setExecutionExceptionHandler(
        (ex, line, parseResult) -> {
          int code = exitCode(ex);
          if (code == USER_ERROR) {
            line.getErr().println("error: " + ex.getMessage());
          } else {
            line.getErr().println("internal error: " + ex);
            ex.printStackTrace(line.getErr());
          }
          line.getErr().flush();
          return code;
        });
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine line = ex.getCommandLine();
          line.getErr().println("error: " + ex.getMessage());
          line.getErr().println("Try '" + line.getCommandSpec().qualifiedName() + " --help'.");
          line.getErr().flush();
          return USAGE_ERROR;
        });
    return cl;
  }

  /** Whether the command running {@code spec} is on a terminal. */
  static boolean onTerminal(CommandLine.Model.CommandSpec spec) {
    return ((EmbeddingHubCli) spec.root().userObject()).terminal;
  }

  static int exitCode(Throwable ex) {
    if (ex instanceof CommandLine.ParameterException) {
      return USAGE_ERROR;
    }
    if (ex instanceof EmbeddingHubException || ex instanceof UserException) {
      return USER_ERROR;
    }
    return INTERNAL_ERROR;
  }

  /**
   * Runs the command line and exits the JVM with its exit code; progress bars are drawn when a
   * console is attached.
   *
   * @param args the command line arguments
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = commandLine(out, err, System.console() != null).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
