package health.clinicalops.drill;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The command line of {@code ./clinops}, read strictly: an unknown command or option, a missing
 * option value or an extra argument is an error, never ignored. {@link #USAGE} is the one text that
 * lists every command and option (the script's header comment repeats it, and a test holds them
 * equal).
 *
 * <p>The {@code clinops} script runs this file from source ({@code java ClinopsArguments.java
 * ARGS}, see {@link #main}) to check the arguments before it builds anything, so it uses nothing
 * but the JDK.
 *
 * @param json for {@code drill}: where to write the timeline as JSON
 */
public record ClinopsArguments(Command command, Optional<Path> json) {

  public enum Command {
    UP,
    DRILL,
    BENCH,
    HELP
  }

  public static final String USAGE =
      """
      usage: ./clinops COMMAND
        up                   start PostgreSQL, Redis, a local Kubernetes API and the five services,
                             print where each listens, wait for Ctrl-C
        drill [--json FILE]  the same, then play every runbook's incident and print the timeline;
                             exit 1 if an expected automated response did not happen.
                             --json FILE: also write the timeline as JSON to FILE
        bench                the benchmarks of bench/README.md; rewrites BENCHMARKS.md (~15 min)
        help, --help, -h     print this text
      """;

  /** A command line that {@link #USAGE} does not allow. */
  public static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  public static ClinopsArguments parse(List<String> args) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("no command given");
    }
    String command = args.get(0);
    List<String> options = args.subList(1, args.size());
    switch (command) {
      case "up":
        return noOptions(Command.UP, command, options);
      case "bench":
        return noOptions(Command.BENCH, command, options);
      case "help":
      case "--help":
      case "-h":
        return noOptions(Command.HELP, command, options);
      case "drill":
        return drill(options);
      default:
        throw new UsageException(
            (command.startsWith("-") ? "unknown option: " : "unknown command: ") + command);
    }
  }

  private static ClinopsArguments drill(List<String> options) throws UsageException {
    Optional<Path> json = Optional.empty();
    for (int i = 0; i < options.size(); i++) {
      String option = options.get(i);
      if (isHelp(option)) {
        return new ClinopsArguments(Command.HELP, Optional.empty());
      } else if (option.equals("--json")) {
        if (json.isPresent()) {
          throw new UsageException("--json given twice");
        }
        if (i + 1 == options.size() || options.get(i + 1).startsWith("-")) {
          throw new UsageException("--json needs a FILE");
        }
        json = Optional.of(Path.of(options.get(++i)));
      } else {
        throw unexpected("drill", option);
      }
    }
    return new ClinopsArguments(Command.DRILL, json);
  }

  private static ClinopsArguments noOptions(Command parsed, String command, List<String> options)
      throws UsageException {
    if (options.isEmpty()) {
      return new ClinopsArguments(parsed, Optional.empty());
    }
    if (parsed != Command.HELP && options.size() == 1 && isHelp(options.get(0))) {
      return new ClinopsArguments(Command.HELP, Optional.empty());
    }
    throw unexpected(command, options.get(0));
  }

  private static boolean isHelp(String option) {
    return option.equals("--help") || option.equals("-h");
  }

  private static UsageException unexpected(String command, String argument) {
    return new UsageException(
        argument.startsWith("-")
            ? "unknown option for " + command + ": " + argument
            : "unexpected argument for " + command + ": " + argument);
  }

  /**
   * The command to run. For help, prints {@link #USAGE} on stdout and exits 0; for a command line
   * it does not allow, prints why and the usage on stderr and exits 2.
   */
  static ClinopsArguments readOrExit(String[] args) {
    try {
      ClinopsArguments arguments = parse(List.of(args));
      if (arguments.command() == Command.HELP) {
        System.out.print(USAGE);
        System.exit(0);
      }
      return arguments;
    } catch (UsageException e) {
      System.err.println("clinops: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      throw new IllegalStateException("unreachable");
    }
  }

  /**
   * The script's check, before it builds anything: prints nothing and exits 0 for a command to run,
   * otherwise what {@link #readOrExit} prints and exits with.
   */
  public static void main(String[] args) {
    readOrExit(args);
  }
}
