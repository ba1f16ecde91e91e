package health.clinicalops.rollbackorchestrator.communicate.domain;

/**
 * A component's public state, in the wire values of hosted status pages ({@code
 * components[].status}), worst last except maintenance (which outranks everything: nothing works
 * while it is on).
 */
public enum ComponentStatus {
  OPERATIONAL("operational", "Operational", "none", "All Systems Operational"),
  DEGRADED_PERFORMANCE(
      "degraded_performance", "Degraded performance", "minor", "Minor Service Outage"),
  PARTIAL_OUTAGE("partial_outage", "Partial outage", "major", "Partial System Outage"),
  MAJOR_OUTAGE("major_outage", "Major outage", "critical", "Major Service Outage"),
  UNDER_MAINTENANCE("under_maintenance", "Under maintenance", "major", "Service Under Maintenance");

  private final String wireValue;
  private final String label;
  private final String indicator;
  private final String description;

  ComponentStatus(String wireValue, String label, String indicator, String description) {
    this.wireValue = wireValue;
    this.label = label;
    this.indicator = indicator;
    this.description = description;
  }

  /** {@code operational}, {@code degraded_performance}, ... */
  public String wireValue() {
    return wireValue;
  }

  /** What a visitor reads. */
  public String label() {
    return label;
  }

  /** The page-level {@code status.indicator}: none, minor, major or critical. */
  public String indicator() {
    return indicator;
  }

  /** The page-level {@code status.description} when this is the overall state. */
  public String description() {
    return description;
  }

  /** The CSS class of the state on the page. */
  public String cssClass() {
    return wireValue.replace('_', '-');
  }

  public ComponentStatus worse(ComponentStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }

  /** Whether it counts as an outage or maintenance for subscriber notices. */
  public boolean isDisruption() {
    return this == PARTIAL_OUTAGE || this == MAJOR_OUTAGE || this == UNDER_MAINTENANCE;
  }
}
