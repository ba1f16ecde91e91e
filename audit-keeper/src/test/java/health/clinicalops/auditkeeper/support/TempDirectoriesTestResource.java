package health.clinicalops.auditkeeper.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A fresh spool and archive directory for each test application, so no test sees another's. */
public class TempDirectoriesTestResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    try {
      Path base = Files.createTempDirectory(Path.of("target"), "audit-keeper-");
      return Map.of(
          "clinicalops.audit-keeper.spool.directory", base.resolve("spool").toString(),
          "clinicalops.audit-keeper.retention.directory", base.resolve("archive").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {
    // The directories stay under target/ for a look after a failure; mvn clean removes them.
  }
}
