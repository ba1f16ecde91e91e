package health.clinicalops.rollbackorchestrator.rollback.service;

import java.util.Map;

/** A backup taken: where, how big, and the row counts it holds. */
public record BackupView(String name, String path, long size, Map<String, Long> rowCounts) {}
