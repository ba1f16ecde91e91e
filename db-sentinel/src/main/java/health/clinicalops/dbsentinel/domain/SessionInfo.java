package health.clinicalops.dbsentinel.domain;

/**
 * One session of interest: idle in a transaction, or running a long query. The query text is
 * deliberately left out: in a clinical app it can hold patient data.
 */
public record SessionInfo(
    int pid, String user, String application, String state, long durationSeconds) {}
