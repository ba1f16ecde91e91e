package health.clinicalops.drill;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A shell line of a README that runs {@code kubectl}: from a {@code bash} block (continuation lines
 * joined), or an inline code span that starts with {@code kubectl}.
 *
 * @param line the whole line, as an operator would paste it
 * @param verb kubectl's verb, with rollout's subcommand: {@code get}, {@code rollout status}
 */
record ReadmeKubectlCommand(String line, String verb) {

  private static final Pattern KUBECTL = Pattern.compile("(?:^|[\\s(])kubectl\\s+(.*)");
  private static final Pattern INLINE = Pattern.compile("`(kubectl [^`]+)`");

  /** Flags whose value is the next word. */
  private static final Set<String> FLAGS_WITH_VALUE =
      Set.of("-n", "--namespace", "--context", "--kubeconfig", "-o", "--output");

  /** Whether the line has a {@code <placeholder>} to fill in. */
  boolean hasPlaceholder() {
    return Pattern.compile("<[a-z-]+>").matcher(line).find();
  }

  static List<ReadmeKubectlCommand> in(String markdown) {
    List<ReadmeKubectlCommand> commands = new ArrayList<>();
    boolean inBash = false;
    boolean inOtherBlock = false;
    StringBuilder continued = new StringBuilder();
    for (String line : markdown.split("\n", -1)) {
      if (line.startsWith("```")) {
        if (inBash || inOtherBlock) {
          inBash = false;
          inOtherBlock = false;
        } else if (line.trim().equals("```bash")) {
          inBash = true;
        } else {
          inOtherBlock = true;
        }
      } else if (inBash) {
        if (line.endsWith("\\")) {
          continued.append(line, 0, line.length() - 1);
          continue;
        }
        String joined = (continued + line).trim();
        continued.setLength(0);
        of(joined).ifPresent(commands::add);
      } else if (!inOtherBlock) {
        Matcher inline = INLINE.matcher(line);
        while (inline.find()) {
          of(inline.group(1)).ifPresent(commands::add);
        }
      }
    }
    return commands;
  }

  private static java.util.Optional<ReadmeKubectlCommand> of(String line) {
    if (line.startsWith("#")) {
      return java.util.Optional.empty();
    }
    Matcher kubectl = KUBECTL.matcher(line);
    if (!kubectl.find()) {
      return java.util.Optional.empty();
    }
    List<String> words = new ArrayList<>();
    String[] tokens = kubectl.group(1).split("\\s+");
    for (int i = 0; i < tokens.length && words.size() < 2; i++) {
      if (FLAGS_WITH_VALUE.contains(tokens[i])) {
        i++;
      } else if (!tokens[i].startsWith("-")) {
        words.add(tokens[i]);
      }
    }
    String verb =
        words.get(0).equals("rollout") && words.size() > 1
            ? "rollout " + words.get(1)
            : words.get(0);
    return java.util.Optional.of(new ReadmeKubectlCommand(line, verb));
  }
}
