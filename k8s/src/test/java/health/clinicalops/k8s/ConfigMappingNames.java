package health.clinicalops.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The property names the services accept, read from their {@code @ConfigMapping} interfaces (the
 * sources in this repository). SmallRye Config refuses to start a service when a property under a
 * mapping's prefix maps to nothing, so every name the chart renders must be one of these.
 */
final class ConfigMappingNames {

  private static final Pattern MAPPING_PREFIX =
      Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)");
  private static final Pattern INTERFACE = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{");
  private static final Pattern METHOD =
      Pattern.compile(
          "((?:@\\w+(?:\\([^)]*\\))?\\s*)*)([\\w.]+(?:<[^;(){}]*>)?)\\s+(\\w+)\\(\\)\\s*;");
  private static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\"([^\"]+)\"\\)");

  private final List<Pattern> names = new ArrayList<>();
  private final List<String> prefixes = new ArrayList<>();

  /** Reads every @ConfigMapping under the given source roots. */
  static ConfigMappingNames of(List<Path> sourceRoots) {
    ConfigMappingNames result = new ConfigMappingNames();
    for (Path root : sourceRoots) {
      if (!Files.isDirectory(root)) {
        throw new AssertionError("no sources at " + root);
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          String source = stripCommentsAndStrings(Files.readString(file));
          Matcher prefix = MAPPING_PREFIX.matcher(Files.readString(file));
          if (prefix.find()) {
            result.read(prefix.group(1), source);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return result;
  }

  List<String> prefixes() {
    return prefixes;
  }

  /** Whether a property under one of the prefixes names a setting. */
  boolean accepts(String property) {
    return names.stream().anyMatch(p -> p.matcher(property).matches());
  }

  /** Whether an environment variable names a setting (SmallRye's env var form of a property). */
  boolean acceptsEnv(String variable) {
    return names.stream()
        .anyMatch(
            p -> {
              String env =
                  p.pattern()
                      .replace("\\.", "_")
                      .replace("[^.]+", "[A-Z0-9_]+")
                      .replace("-", "_")
                      .toUpperCase();
              return variable.matches(env);
            });
  }

  private void read(String prefix, String source) {
    prefixes.add(prefix);
    Map<String, String> bodies = interfaceBodies(source);
    String root = bodies.keySet().iterator().next();
    walk(prefix.replace(".", "\\."), bodies.get(root), bodies, 0);
  }

  private void walk(String path, String body, Map<String, String> bodies, int depth) {
    if (depth > 10) {
      return;
    }
    Matcher method = METHOD.matcher(topLevel(body));
    while (method.find()) {
      String annotations = method.group(1);
      String type = method.group(2).replaceAll("\\s", "");
      String name = kebab(method.group(3));
      Matcher withName = WITH_NAME.matcher(annotations);
      if (withName.find()) {
        name = withName.group(1);
      }
      String here = path + "\\." + name.replace(".", "\\.");
      type = unwrap(type, "Optional");
      if (type.startsWith("Map<")) {
        String value = type.substring(type.indexOf(',') + 1, type.length() - 1);
        value = unwrap(value, "Optional");
        if (bodies.containsKey(simple(value))) {
          walk(here + "\\.[^.]+", bodies.get(simple(value)), bodies, depth + 1);
        } else {
          names.add(Pattern.compile(here + "\\.[^.]+"));
        }
      } else if (bodies.containsKey(simple(type))) {
        walk(here, bodies.get(simple(type)), bodies, depth + 1);
      } else {
        names.add(Pattern.compile(here));
      }
    }
  }

  private static String unwrap(String type, String wrapper) {
    if (type.startsWith(wrapper + "<") && type.endsWith(">")) {
      return type.substring(wrapper.length() + 1, type.length() - 1);
    }
    return type;
  }

  private static String simple(String type) {
    return type.substring(type.lastIndexOf('.') + 1);
  }

  /** Interface name → body (between its braces), in source order. */
  private static Map<String, String> interfaceBodies(String source) {
    Map<String, String> bodies = new java.util.LinkedHashMap<>();
    Matcher m = INTERFACE.matcher(source);
    while (m.find()) {
      int start = m.end();
      int depth = 1;
      int i = start;
      while (i < source.length() && depth > 0) {
        char c = source.charAt(i++);
        if (c == '{') {
          depth++;
        } else if (c == '}') {
          depth--;
        }
      }
      bodies.putIfAbsent(m.group(1), source.substring(start, i - 1));
    }
    return bodies;
  }

  /** The body without nested type bodies and default-method bodies. */
  private static String topLevel(String body) {
    StringBuilder out = new StringBuilder();
    int depth = 0;
    for (char c : body.toCharArray()) {
      if (c == '{') {
        depth++;
        if (depth == 1) {
          out.append(';');
        }
      } else if (c == '}') {
        depth--;
      } else if (depth == 0) {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
  }

  /** Removes comments and the contents of string and char literals (keeps the quotes). */
  private static String stripCommentsAndStrings(String source) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '"' && source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        out.append("\"\"");
        i = end < 0 ? n : end + 3;
      } else if (c == '"' || c == '\'') {
        // keep @WithName("...") values: they are names, not text
        int end = i + 1;
        while (end < n && source.charAt(end) != c) {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        String literal = source.substring(i, Math.min(end + 1, n));
        boolean isName = out.toString().endsWith("@WithName(");
        out.append(isName ? literal : String.valueOf(c) + c);
        i = end + 1;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  static Map<String, List<Path>> sourceRoots() {
    Path repo = KubeTools.moduleDir().getParent();
    Map<String, List<Path>> roots = new HashMap<>();
    for (String service : RenderedChart.SERVICES) {
      roots.put(
          service,
          List.of(
              repo.resolve(service).resolve("src/main/java"),
              repo.resolve("ops-kit/src/main/java")));
    }
    return roots;
  }
}
