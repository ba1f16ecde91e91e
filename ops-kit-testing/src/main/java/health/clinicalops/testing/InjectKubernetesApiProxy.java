package health.clinicalops.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a test field of type {@link InterruptibleTcpProxy} to receive the proxy in front of the
 * Kubernetes test server ({@link KubernetesOutageTestResource}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectKubernetesApiProxy {}
