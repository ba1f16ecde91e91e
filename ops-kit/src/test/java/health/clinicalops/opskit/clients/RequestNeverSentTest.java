package health.clinicalops.opskit.clients;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.Test;

class RequestNeverSentTest {

  private final RequestNeverSent neverSent = new RequestNeverSent();

  @Test
  void noConnectionMeansTheRequestNeverLeft() {
    assertThat(neverSent.test(new ProcessingException(new ConnectException("refused")))).isTrue();
    assertThat(neverSent.test(new ProcessingException(new UnknownHostException("no-such-peer"))))
        .isTrue();
  }

  @Test
  void aRequestThatMayHaveArrivedIsNotSentAgain() {
    assertThat(neverSent.test(new TimeoutException("took too long"))).isFalse();
    assertThat(neverSent.test(new ProcessingException(new SocketTimeoutException("read"))))
        .isFalse();
    assertThat(neverSent.test(new WebApplicationException(409))).isFalse();
  }
}
