package health.clinicalops.opskit.journal;

import java.util.StringJoiner;

/**
 * The one format of an incident's dedup key: {@code service/subject[/part…]}, e.g. {@code
 * auth-guard/brute-force/alice} or {@code db-sentinel/outage/2026-12-01T10:00:00Z}. Reports with
 * the same key are one incident at rollback-orchestrator, so a key names what the incident is about
 * and nothing that changes while it lasts. A part's own {@code /} becomes {@code _}, so that parts
 * cannot run into each other.
 */
public final class DedupKeys {

  private DedupKeys() {}

  public static String of(String service, String subject, Object... parts) {
    StringJoiner key = new StringJoiner("/");
    key.add(clean(service)).add(clean(subject));
    for (Object part : parts) {
      key.add(clean(String.valueOf(part)));
    }
    return key.toString();
  }

  private static String clean(String part) {
    return part.replace('/', '_');
  }
}
