package health.clinicalops.rollbackorchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * Subscriber emails go out only over STARTTLS unless a setting says otherwise: the service's own
 * settings, as production reads them (profile {@code prod}, no Helm values), require it. The tests'
 * SMTP sink has no TLS, so {@link SmtpTestResource} turns it off explicitly.
 */
class MailTlsDefaultTest {

  @Test
  void productionRequiresStartTls() throws IOException {
    URL properties = getClass().getClassLoader().getResource("application.properties");
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withProfile("prod")
            .withSources(new PropertiesConfigSource(properties))
            .build();
    assertEquals("REQUIRED", config.getRawValue("quarkus.mailer.start-tls"));
  }
}
