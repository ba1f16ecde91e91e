package health.clinicalops.rollbackorchestrator.common;

import jakarta.validation.constraints.Size;

/** An optional note, e.g. with an acknowledgement. */
public record NoteRequest(@Size(max = 10000) String note) {}
