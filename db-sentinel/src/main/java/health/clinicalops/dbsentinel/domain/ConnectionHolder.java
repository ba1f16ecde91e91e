package health.clinicalops.dbsentinel.domain;

/** A group of sessions in {@code pg_stat_activity} holding connection slots. */
public record ConnectionHolder(
    String user, String application, String clientAddress, String state, int connections) {}
