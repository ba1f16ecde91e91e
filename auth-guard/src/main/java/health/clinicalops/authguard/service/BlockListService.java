package health.clinicalops.authguard.service;

import health.clinicalops.authguard.config.AuthGuardConfig;
import health.clinicalops.authguard.domain.Cidr;
import health.clinicalops.authguard.domain.IpAddresses;
import health.clinicalops.authguard.domain.IpBlock;
import health.clinicalops.authguard.repository.BlockRepository;
import health.clinicalops.opskit.clients.Severity;
import health.clinicalops.opskit.dryrun.DryRun;
import health.clinicalops.opskit.evidence.AuthAbuseEvidence;
import health.clinicalops.opskit.journal.RunbookIncident;
import health.clinicalops.opskit.journal.RunbookJournal;
import health.clinicalops.opskit.problem.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * IP blocks: decides them (allowlist, TTL growing for repeat offenders up to a cap), writes them to
 * PostgreSQL, and holds the open ones in memory for the hot path. Every replica reloads the open
 * blocks every {@code clinicalops.auth-guard.blocks.refresh-interval} (500 ms), so a block made by
 * one replica is enforced by all within a second; the replica that made it enforces it at once.
 */
@ApplicationScoped
public class BlockListService {

  private static final Logger LOG = Logger.getLogger(BlockListService.class);

  /** Local changes newer than this survive a reload that may have started before they were made. */
  private static final Duration LOCAL_GRACE = Duration.ofSeconds(3);

  private final BlockRepository repository;
  private final AuthGuardConfig config;
  private final DryRun dryRun;
  private final RunbookJournal journal;
  private final AuthGuardMetrics metrics;
  private final Clock clock;
  private final List<Cidr> allowlist;

  private volatile Map<String, IpBlock> open = Map.of();
  private final Map<String, LocalChange> localChanges = new ConcurrentHashMap<>();
  private volatile Instant lastRefresh;
  private volatile String lastRefreshError;
  private ScheduledExecutorService refresher;

  BlockListService(
      BlockRepository repository,
      AuthGuardConfig config,
      DryRun dryRun,
      RunbookJournal journal,
      AuthGuardMetrics metrics,
      Clock clock) {
    this.repository = repository;
    this.config = config;
    this.dryRun = dryRun;
    this.journal = journal;
    this.metrics = metrics;
    this.clock = clock;
    this.allowlist =
        config.abuse().allowlist().stream()
            .map(
                text ->
                    Cidr.parse(text)
                        .orElseThrow(
                            () ->
                                new IllegalArgumentException(
                                    "clinicalops.auth-guard.abuse.allowlist: not a CIDR: " + text)))
            .toList();
  }

  /** A block or unblock this replica made, kept over reloads until the database shows it. */
  private record LocalChange(IpBlock block, boolean lifted, Instant at) {}

  void onStart(@Observes StartupEvent startup) {
    refresh();
    refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "auth-guard-block-refresh");
              t.setDaemon(true);
              return t;
            });
    long period = config.blocks().refreshInterval().toMillis();
    refresher.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
  }

  void onStop(@Observes ShutdownEvent shutdown) {
    if (refresher != null) {
      refresher.shutdownNow();
    }
  }

  /** The open block of an IP (canonical text), from memory: the hot path, no I/O. */
  public Optional<IpBlock> openBlock(String canonicalIp) {
    IpBlock block = open.get(canonicalIp);
    if (block == null || !block.activeAt(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(block);
  }

  /** The open blocks, as this replica enforces them. */
  public Collection<IpBlock> openBlocks() {
    Instant now = clock.instant();
    return open.values().stream().filter(b -> b.activeAt(now)).toList();
  }

  public boolean isAllowlisted(InetAddress address) {
    for (Cidr cidr : allowlist) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Blocks an IP automatically (the runbook's step 3). Empty when the IP is on the allowlist; the
   * open block when it was already blocked.
   */
  public Optional<IpBlock> blockAutomatically(
      InetAddress address, String reason, AuthAbuseEvidence evidence) {
    if (isAllowlisted(address)) {
      return Optional.empty();
    }
    String ip = clientKey(address);
    Optional<IpBlock> existing = openBlock(ip);
    if (existing.isPresent()) {
      return existing;
    }
    return Optional.of(
        create(
            ip,
            reason,
            "automatic",
            journal.service(),
            Optional.empty(),
            dryRun.enabled(),
            evidence));
  }

  /** An operator's block; refused (409) for an allowlisted IP. */
  public IpBlock blockByOperator(
      String ipText, String reason, Optional<Duration> ttl, String operator) {
    InetAddress address = parse(ipText);
    if (isAllowlisted(address)) {
      throw ProblemException.conflict(
          ipText
              + " is on the allowlist (clinicalops.auth-guard.abuse.allowlist) and is never blocked");
    }
    return create(
        clientKey(address), reason, "operator", operator, ttl, false, AuthAbuseEvidence.none());
  }

  /** Lifts an IP's block (operator). Empty when it had no open block. */
  public Optional<IpBlock> unblock(String ipText, String operator) {
    String ip = clientKey(ipText);
    Instant now = clock.instant();
    Optional<IpBlock> lifted = repository.lift(ip, operator, now);
    lifted.ifPresent(
        block -> {
          localChanges.put(ip, new LocalChange(block, true, now));
          Map<String, IpBlock> next = new HashMap<>(open);
          next.remove(ip);
          open = Map.copyOf(next);
          metrics.unblock();
          incident(block)
              .stepFor(
                  operator,
                  "ip.unblocked",
                  "block of " + ip + " lifted by " + operator,
                  details(
                      "ip",
                      ip,
                      "blockId",
                      block.id(),
                      "reason",
                      block.reason(),
                      "liftedBy",
                      operator));
        });
    return lifted;
  }

  /**
   * The client an address is counted and blocked as: IPv4 per address, IPv6 per network of {@code
   * abuse.ipv6-prefix-length} bits.
   */
  public String clientKey(InetAddress address) {
    return IpAddresses.clientKey(address, config.abuse().ipv6PrefixLength());
  }

  /** {@link #clientKey(InetAddress)} of a text address; 400 problem when it is not valid. */
  public String clientKey(String ipText) {
    return clientKey(parse(ipText));
  }

  /** Parses an IP strictly; 400 problem when it is not a valid IPv4 or IPv6 address. */
  public static InetAddress parse(String ipText) {
    return IpAddresses.parse(ipText)
        .orElseThrow(
            () -> ProblemException.badRequest("not a valid IPv4 or IPv6 address: " + ipText));
  }

  public List<IpBlock> history(String ipText) {
    return repository.history(clientKey(ipText), 50);
  }

  public Instant lastRefresh() {
    return lastRefresh;
  }

  public String lastRefreshError() {
    return lastRefreshError;
  }

  /** Reloads the open blocks from PostgreSQL (every replica, every refresh interval). */
  void refresh() {
    try {
      Instant started = clock.instant();
      List<IpBlock> rows = repository.findActive(started);
      Map<String, IpBlock> next = new HashMap<>();
      rows.forEach(b -> next.put(b.ip(), b));
      localChanges.values().removeIf(change -> change.at().isBefore(started.minus(LOCAL_GRACE)));
      localChanges.forEach(
          (ip, change) -> {
            if (change.lifted()) {
              IpBlock row = next.get(ip);
              if (row != null && row.id() == change.block().id()) {
                next.remove(ip);
              }
            } else {
              next.putIfAbsent(ip, change.block());
            }
          });
      open = Map.copyOf(next);
      lastRefresh = started;
      lastRefreshError = null;
    } catch (RuntimeException e) {
      lastRefreshError = e.getClass().getSimpleName() + ": " + e.getMessage();
      LOG.debugf("block refresh failed, keeping the last known blocks: %s", lastRefreshError);
    }
  }

  private IpBlock create(
      String ip,
      String reason,
      String origin,
      String actor,
      Optional<Duration> requestedTtl,
      boolean shadow,
      AuthAbuseEvidence evidence) {
    Instant now = clock.instant();
    AuthGuardConfig.Abuse abuse = config.abuse();
    int earlier = repository.countBlocksSince(ip, now.minus(abuse.offenceMemory()));
    int offence = earlier + 1;
    Duration ttl = requestedTtl.orElseGet(() -> ttlFor(offence));
    BlockRepository.Insertion insertion =
        repository.insertIfNoOpenBlock(
            new BlockRepository.NewBlock(
                ip, reason, origin, actor, now, now.plus(ttl), offence, shadow, evidence));
    IpBlock block = insertion.block();
    if (!insertion.created()) {
      return block;
    }
    localChanges.put(ip, new LocalChange(block, false, now));
    Map<String, IpBlock> next = new HashMap<>(open);
    next.put(ip, block);
    open = Map.copyOf(next);
    metrics.block(origin, shadow);
    String detail =
        ip
            + " blocked until "
            + block.expiresAt()
            + " (offence "
            + offence
            + ", TTL "
            + ttl
            + ") by "
            + actor
            + ": "
            + reason;
    Map<String, Object> details =
        details(
            "ip", ip,
            "blockId", block.id(),
            "reason", reason,
            "origin", origin,
            "createdBy", actor,
            "offence", offence,
            "ttlSeconds", ttl.toSeconds(),
            "expiresAt", block.expiresAt().toString());
    if (shadow) {
      // Written, so that it is seen and counted, but not enforced.
      incident(block).dryRunStep("ip.blocked", detail, details);
    } else {
      incident(block).stepFor(actor, "ip.blocked", detail, details);
    }
    return block;
  }

  /** The TTL of the n-th offence: base × factor^(n-1), never above the cap. */
  public Duration ttlFor(int offence) {
    AuthGuardConfig.Abuse abuse = config.abuse();
    double millis =
        abuse.blockTtl().toMillis() * Math.pow(abuse.ttlGrowthFactor(), Math.max(0, offence - 1));
    long capped = (long) Math.min(millis, abuse.maxBlockTtl().toMillis());
    return Duration.ofMillis(capped);
  }

  /** One incident per source: its blocks and unblocks are the steps. */
  private RunbookIncident incident(IpBlock block) {
    return journal.incident(
        journal.dedupKey("ip", block.ip()),
        Severity.P1,
        "Authentication abuse: source " + block.ip() + " blocked",
        block
            .evidence()
            .withBlock(
                block.ip(), block.reason(), block.offence(), block.expiresAt(), block.shadow()));
  }

  static Map<String, Object> details(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      if (keyValues[i + 1] != null) {
        map.put((String) keyValues[i], keyValues[i + 1]);
      }
    }
    return map;
  }
}
