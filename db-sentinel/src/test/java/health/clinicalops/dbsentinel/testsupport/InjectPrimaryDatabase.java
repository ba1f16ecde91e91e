package health.clinicalops.dbsentinel.testsupport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Injects the primary {@code EmbeddedPostgresServer} of {@link SentinelDatabasesTestResource}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectPrimaryDatabase {}
