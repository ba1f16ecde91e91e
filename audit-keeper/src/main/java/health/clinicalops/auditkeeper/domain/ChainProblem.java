package health.clinicalops.auditkeeper.domain;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One finding of a chain verification. Kinds: {@code EDITED} (the row's content no longer gives its
 * hash), {@code OUT_OF_ORDER} (the row does not link to the row before it: moved, reordered, or its
 * predecessor was rewritten), {@code MISSING} (sequence numbers absent and not covered by an
 * archive tombstone: deleted rows, from {@code seq} to {@code toSeq}).
 */
@RegisterForReflection
public record ChainProblem(String kind, long seq, long toSeq, String id, String detail) {

  public static final String EDITED = "EDITED";
  public static final String OUT_OF_ORDER = "OUT_OF_ORDER";
  public static final String MISSING = "MISSING";
}
