package health.clinicalops.rollbackorchestrator.communicate.rest;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** How the status page writes times: readable, in UTC, with a machine-readable twin. */
@TemplateExtension
public final class TemplateFormats {

  private static final DateTimeFormatter READABLE =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm 'UTC'", java.util.Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  private TemplateFormats() {}

  /** "27 Nov 2026, 07:40 UTC". */
  static String readable(Instant instant) {
    return instant == null ? "" : READABLE.format(instant);
  }

  /** For {@code <time datetime>}. */
  static String iso(Instant instant) {
    return instant == null ? "" : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
