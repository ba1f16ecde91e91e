package health.clinicalops.authguard.store;

/** The keys holding one policy's statistics for one window ("Rate Limit Overwhelmed"). */
public record WindowStatsKeys(String active, String limited, String endpoints, String denials) {}
