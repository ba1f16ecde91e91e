package health.clinicalops.rollbackorchestrator.communicate.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SubscriptionClientTest {

  @Test
  void anIpv4AddressIsItsOwnClient() {
    assertThat(SubscriptionClient.of("203.0.113.7", 64)).isEqualTo("203.0.113.7");
  }

  @Test
  void ipv6AddressesOfOneNetworkAreOneClient() {
    String one = SubscriptionClient.of("2001:db8:1:2:aaaa::1", 64);
    assertThat(one).isEqualTo("2001:db8:1:2:0:0:0:0/64");
    assertThat(SubscriptionClient.of("[2001:db8:1:2:ffff:ffff:ffff:ffff]", 64)).isEqualTo(one);
    assertThat(SubscriptionClient.of("2001:db8:1:3::1", 64)).isNotEqualTo(one);
    assertThat(SubscriptionClient.of("2001:db8:1:2::1", 128)).isEqualTo("2001:db8:1:2:0:0:0:1");
  }

  @Test
  void anIpv4MappedIpv6AddressIsTheIpv4Client() {
    assertThat(SubscriptionClient.of("::ffff:203.0.113.7", 64)).isEqualTo("203.0.113.7");
  }

  @Test
  void whatIsNotAnAddressIsNeverLookedUp() {
    assertThat(SubscriptionClient.of("example.org", 64)).isEqualTo("example.org");
    assertThat(SubscriptionClient.of("cafe", 64)).isEqualTo("cafe");
    assertThat(SubscriptionClient.of(null, 64)).isEqualTo("unknown");
  }
}
