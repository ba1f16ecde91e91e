package health.clinicalops.drill;

/** The scenarios, in the order the drill plays them against a started {@link LocalStack}. */
final class Drill {

  private Drill() {}

  static void play(LocalStack stack, Timeline timeline, Progress progress) throws Exception {
    progress.step("scenario: an operator patches the ops-state ConfigMap");
    new OperatorMaintenanceScenario(stack, timeline).play();
    progress.step("scenario: credential stuffing and a distributed attack");
    new AuthAbuseScenario(stack, timeline).play();
    progress.step("scenario: a legitimate spike overwhelms the WRITE rate limit");
    new RateLimitStormScenario(stack, timeline).play();
    progress.step("scenario: a bad release raises the error ratio");
    new BadReleaseScenario(stack, timeline).play();
    progress.step("scenario: the app database goes away and comes back");
    new DatabaseOutageScenario(stack, timeline).play();
    progress.step("scenario: the app database hangs while clients retry");
    new HungDatabaseScenario(stack, timeline).play();
    progress.step("scenario: a release with a schema change is rolled back with its database");
    new SchemaChangeReleaseScenario(stack, timeline).play();
  }
}
