package health.clinicalops.auditkeeper.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import health.clinicalops.auditkeeper.config.AuditKeeperConfig;
import health.clinicalops.auditkeeper.domain.AuditRecord;
import health.clinicalops.opskit.durable.SpoolFile;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool over its file: what a replay reads, and the cursor that survives a restart. */
class EventSpoolTest {

  @TempDir Path dir;

  private final ObjectMapper mapper =
      new ObjectMapper()
          .findAndRegisterModules()
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-16T10:00:00Z"), ZoneOffset.UTC);

  private EventSpool open() {
    AuditKeeperConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(AuditKeeperConfig.class)
            .withConverter(MemorySize.class, 100, new MemorySizeConverter())
            .withConverter(Duration.class, 100, new DurationConverter())
            .withDefaultValue("clinicalops.audit-keeper.spool.directory", dir.toString())
            .build()
            .getConfigMapping(AuditKeeperConfig.class);
    EventSpool spool = new EventSpool(config, mapper, clock);
    spool.open();
    return spool;
  }

  private static AuditRecord record(String id) {
    return new AuditRecord(
        id, "u-1", "note.read", "{}", Instant.parse("2026-01-16T09:00:00Z"), null);
  }

  @Test
  void aRecordThatIsNotAnEventIsHandedOutAsUnreadableAndTheEventsAroundItAsEvents()
      throws IOException {
    EventSpool spool = open();
    spool.append(List.of(record("a")));
    spool.close();
    // A record whose checksum is right but whose payload is no event of any version.
    try (SpoolFile raw = SpoolFile.open(dir.resolve(EventSpool.FILE_NAME))) {
      raw.append(List.of("not json".getBytes(StandardCharsets.UTF_8)));
    }
    spool = open();
    spool.append(List.of(record("b")));
    assertThat(spool.depth()).isEqualTo(3);

    EventSpool.Batch batch = spool.next(10);
    assertThat(batch.events()).extracting(AuditRecord::id).containsExactly("a", "b");
    assertThat(batch.unreadable()).hasSize(1);
    assertThat(new String(batch.unreadable().get(0).payload(), StandardCharsets.UTF_8))
        .isEqualTo("not json");
    spool.replayed(batch);
    assertThat(spool.depth()).isZero();
    spool.close();
  }

  @Test
  void theCursorSurvivesARestartAndIsNeverLeftHalfWritten() throws IOException {
    EventSpool spool = open();
    spool.append(List.of(record("a"), record("b"), record("c")));
    EventSpool.Batch first = spool.next(2);
    spool.replayed(first);
    spool.close();

    assertThat(Files.readString(dir.resolve(EventSpool.CURSOR_NAME)))
        .isEqualTo(Long.toString(first.end()));
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder(EventSpool.FILE_NAME, EventSpool.CURSOR_NAME);
    }
    spool = open();
    assertThat(spool.depth()).isEqualTo(1);
    assertThat(spool.next(10).events()).extracting(AuditRecord::id).containsExactly("c");
    spool.close();
  }
}
