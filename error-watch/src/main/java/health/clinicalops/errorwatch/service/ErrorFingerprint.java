package health.clinicalops.errorwatch.service;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Turns an error message into its fingerprint: the message with the parts that vary between
 * occurrences of the same error (UUIDs, emails, IP addresses and ports, hex and other ids, line and
 * column numbers, numbers, also those with a unit) replaced by placeholders, so "Rate limit
 * exceeded for 203.0.113.7" and "... for 198.51.100.2" count as one error. A message with no
 * variable part is its own fingerprint. Results are cached (messages repeat). Plain Java,
 * thread-safe.
 */
public final class ErrorFingerprint {

  // Keys are messages of up to clinicalops.error-watch.limits.message-length characters.
  private static final int CACHE_LIMIT = 4_096;

  private record Rule(Pattern pattern, String replacement) {}

  // Every rule runs in linear time on any input: a quantified run may start only where such a run
  // begins (a lookbehind), is possessive where what follows cannot be part of it, or is bounded.
  // Otherwise a megabyte of one character class (digits, colons, spaces after "port") costs a
  // scan to its end from every position in it.
  private static final Rule[] RULES = {
    new Rule(
        Pattern.compile(
            "\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b"),
        "<uuid>"),
    new Rule(Pattern.compile("(?<![\\w.+-])[\\w.+-]++@[\\w-]++(?:\\.[\\w-]++)+"), "<email>"),
    new Rule(
        Pattern.compile(
            "\\b(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?\\b"
                + "|\\[(?=[0-9a-fA-F]*+:)[0-9a-fA-F:]*+\\](?::\\d{1,5})?"),
        "<ip>"),
    // An IPv6 address has at most 8 groups, so each side of "::" is bounded.
    new Rule(
        Pattern.compile(
            "\\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\\b"
                + "|\\b(?:[0-9a-fA-F]{1,4}:){1,7}:(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})?\\b"
                + "|(?<![\\w:])::(?:[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){0,6})\\b"),
        "<ip>"),
    new Rule(Pattern.compile("(?i)\\b(port)\\s*+(?:[:=]\\s*+)?\\d+"), "$1 <port>"),
    new Rule(Pattern.compile("(?i)\\b(line|ln|column|col)\\s*+(?:[:=]\\s*+)?\\d+"), "$1 <n>"),
    new Rule(Pattern.compile(":\\d++:\\d++\\b"), ":<line>:<col>"),
    new Rule(Pattern.compile("\\b0x[0-9a-fA-F]++\\b"), "<hex>"),
    new Rule(
        Pattern.compile("\\b(?=[0-9a-fA-F]*\\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{12,}\\b"),
        "<hex>"),
    new Rule(Pattern.compile("\\b[A-Za-z]++[-_]\\d[\\w-]*"), "<id>"),
    // The digit must come within 100 characters of the id's start: an unbounded look-ahead from
    // every word of a long "a-a-a-..." would be quadratic.
    new Rule(Pattern.compile("\\b(?=[A-Za-z_-]{0,100}+\\d)(?=\\w*[A-Za-z])[\\w-]{16,}\\b"), "<id>"),
    // Quantities with a unit ("after 5210ms", "12MB"): the number goes, the unit stays.
    new Rule(Pattern.compile("(?<![\\w<])\\d++(?:\\.\\d++)?(?=[A-Za-z]{1,3}\\b)"), "<n>"),
    new Rule(Pattern.compile("(?<![\\w<])\\d+(?:\\.\\d+)*\\b"), "<n>"),
  };

  private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

  private ErrorFingerprint() {}

  /** The fingerprint of {@code message} (never null; a null message is "null", as jq prints). */
  public static String of(String message) {
    if (message == null) {
      return "null";
    }
    String cached = CACHE.get(message);
    if (cached != null) {
      return cached;
    }
    String fingerprint = compute(message);
    if (CACHE.size() >= CACHE_LIMIT) {
      CACHE.clear();
    }
    CACHE.put(message, fingerprint);
    return fingerprint;
  }

  static String compute(String message) {
    String result = message;
    for (Rule rule : RULES) {
      result = rule.pattern().matcher(result).replaceAll(rule.replacement());
    }
    return result;
  }
}
