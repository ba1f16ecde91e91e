package health.clinicalops.opskit.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import org.eclipse.microprofile.rest.client.ext.ClientHeadersFactory;

/** Adds this service's own token to calls to the other services. */
@ApplicationScoped
public class OutboundBearerTokenFactory implements ClientHeadersFactory {

  private final SecurityConfig config;

  OutboundBearerTokenFactory(SecurityConfig config) {
    this.config = config;
  }

  @Override
  public MultivaluedMap<String, String> update(
      MultivaluedMap<String, String> incomingHeaders,
      MultivaluedMap<String, String> clientOutgoingHeaders) {
    MultivaluedMap<String, String> headers = new MultivaluedHashMap<>();
    config
        .outboundToken()
        .ifPresent(token -> headers.add(HttpHeaders.AUTHORIZATION, "Bearer " + token));
    return headers;
  }
}
