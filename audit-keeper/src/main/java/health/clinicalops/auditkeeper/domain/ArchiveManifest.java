package health.clinicalops.auditkeeper.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;

/**
 * Written beside each archive file ({@code <file>.manifest.json}): what the gzip CSV holds and how
 * to check it. {@code chainHead} is the hash of the last archived row, {@code firstPrevHash} the
 * hash the first archived row links to.
 */
@RegisterForReflection
public record ArchiveManifest(
    String file,
    long rowCount,
    long firstSeq,
    long lastSeq,
    String sha256,
    String firstPrevHash,
    String chainHead,
    Instant cutoff,
    Instant createdAt) {}
