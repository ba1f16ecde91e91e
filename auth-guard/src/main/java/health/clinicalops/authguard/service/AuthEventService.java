package health.clinicalops.authguard.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.domain.AuthEvent;
import health.clinicalops.authguard.domain.IngestResult;
import health.clinicalops.authguard.domain.IpAddresses;
import health.clinicalops.authguard.store.FailureCounts;
import health.clinicalops.authguard.store.FailureKeys;
import health.clinicalops.authguard.store.FailureQuery;
import health.clinicalops.authguard.store.ResilientWindowStore;
import health.clinicalops.authguard.store.StoreKeys;
import health.clinicalops.opskit.ndjson.NdjsonReader;
import health.clinicalops.opskit.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Takes the app's sign-in events (runbook step 1, "Identify Source"): counts every failure per IP,
 * per account and globally over the sliding window, and hands the counts to the {@link
 * AbuseDetector}.
 */
@ApplicationScoped
public class AuthEventService {

  private static final Logger LOG = Logger.getLogger(AuthEventService.class);

  private final ResilientWindowStore store;
  private final AbuseDetector detector;
  private final AuthGuardConfig config;
  private final AuthGuardMetrics metrics;
  private final ObjectMapper mapper;
  private final Validator validator;
  private final Clock clock;
  private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicLong sequence = new AtomicLong();

  AuthEventService(
      ResilientWindowStore store,
      AbuseDetector detector,
      AuthGuardConfig config,
      AuthGuardMetrics metrics,
      ObjectMapper mapper,
      Validator validator,
      Clock clock) {
    this.store = store;
    this.detector = detector;
    this.config = config;
    this.metrics = metrics;
    this.mapper = mapper;
    this.validator = validator;
    this.clock = clock;
  }

  /** One event (application/json). */
  public IngestResult ingest(@Valid @NotNull AuthEvent event) {
    Accumulator acc = new Accumulator();
    process(event, acc);
    return acc.result();
  }

  /**
   * An NDJSON batch: one event per line; a line that does not parse or is not valid is skipped and
   * reported, the rest are counted. A batch with no valid line at all is a 400.
   */
  public IngestResult ingestNdjson(String body) {
    Accumulator acc = new Accumulator();
    NdjsonReader.Lines<AuthEvent> lines = NdjsonReader.parse(body, this::parseEvent);
    lines.bad().forEach(bad -> acc.reject(bad.line(), bad.detail()));
    for (NdjsonReader.Line<AuthEvent> line : lines.good()) {
      try {
        process(line.value(), acc);
      } catch (RuntimeException e) {
        // Not counted (process counts last): reported like a bad line, the batch still a 200.
        acc.reject(line.number(), "not recorded: " + e.getMessage());
      }
    }
    acc.errors.forEach(e -> metrics.rejectedEvent());
    if (lines.nonBlank() == 0) {
      throw ProblemException.badRequest("the batch holds no events");
    }
    if (acc.accepted == 0) {
      throw ProblemException.badRequest(
          "no line of the batch is a valid event: "
              + acc.result().errors().stream()
                  .limit(5)
                  .map(e -> "line " + e.line() + ": " + e.detail())
                  .collect(Collectors.joining("; ")));
    }
    return acc.result();
  }

  private AuthEvent parseEvent(byte[] buffer, int offset, int length)
      throws IOException, NdjsonReader.InvalidLine {
    AuthEvent event = mapper.readValue(buffer, offset, length, AuthEvent.class);
    if (event == null) {
      throw new NdjsonReader.InvalidLine("not an object");
    }
    Set<ConstraintViolation<AuthEvent>> violations = validator.validate(event);
    if (!violations.isEmpty()) {
      throw new NdjsonReader.InvalidLine(
          violations.stream()
              .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
              .map(v -> v.getPropertyPath() + ": " + v.getMessage())
              .collect(Collectors.joining("; ")));
    }
    return event;
  }

  private void process(AuthEvent event, Accumulator acc) {
    InetAddress address =
        IpAddresses.parse(event.ip())
            .orElseThrow(() -> ProblemException.badRequest("ip: not a valid IPv4 or IPv6 address"));
    if (event.outcome() == AuthEvent.Outcome.SUCCESS) {
      acc.accepted++;
      metrics.authEvent("success");
      return;
    }
    String ip = IpAddresses.clientKey(address, config.abuse().ipv6PrefixLength());
    String fingerprint = event.passwordFingerprint() == null ? "" : event.passwordFingerprint();
    long now = clock.millis();
    long at = event.at() == null ? now : Math.min(now, event.at().toEpochMilli());
    FailureKeys keys = StoreKeys.failures(ip, event.username(), fingerprint);
    FailureQuery query =
        new FailureQuery(
            keys,
            now,
            at,
            config.abuse().window().toMillis(),
            instanceId + ":" + sequence.incrementAndGet(),
            event.username(),
            ip,
            fingerprint,
            config.abuse().commonPasswordMinAccounts());
    FailureCounts counts = store.recordFailure(query).await().atMost(Duration.ofSeconds(5));
    acc.accepted++;
    metrics.authEvent("failure");
    AbuseDetector.Response response;
    try {
      response = detector.assess(address, event.username(), keys, counts);
    } catch (RuntimeException e) {
      // The failure is counted: a 5xx now would make the sender retry the batch and count its
      // lines again. The next failure of this IP or account is assessed again.
      LOG.warnf("auth-guard: failure counted but not assessed: %s", e.getMessage());
      return;
    }
    response.block().ifPresent(b -> acc.blocked.add(b.ip()));
    acc.attacks.addAll(response.attacks());
  }

  /** Collects a batch's outcome. */
  private static final class Accumulator {
    int accepted;
    final List<IngestResult.LineError> errors = new ArrayList<>();
    final Set<String> blocked = new LinkedHashSet<>();
    final Set<String> attacks = new LinkedHashSet<>();

    void reject(int line, String detail) {
      errors.add(new IngestResult.LineError(line, detail));
    }

    IngestResult result() {
      List<IngestResult.LineError> inLineOrder =
          errors.stream().sorted(Comparator.comparingInt(IngestResult.LineError::line)).toList();
      return new IngestResult(
          accepted, errors.size(), inLineOrder, List.copyOf(blocked), List.copyOf(attacks));
    }
  }
}
