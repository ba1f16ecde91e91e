package health.clinicalops.auditkeeper.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The outcome of one archive run: {@code archived} false when no row was old enough; otherwise the
 * manifest of the archive whose rows were verified and deleted.
 */
@RegisterForReflection
public record ArchiveResult(boolean archived, long deletedRows, ArchiveManifest manifest) {}
