package health.clinicalops.authguard.domain;

import java.net.InetAddress;
import java.util.Optional;

/** An IPv4 or IPv6 network (e.g. a clinic NAT's range) that can say whether it holds an address. */
public record Cidr(String text, byte[] network, int prefixLength) {

  /** Parses {@code a.b.c.d/n}, {@code x::/n} or a single address (a /32 or /128). */
  public static Optional<Cidr> parse(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    Optional<InetAddress> parsed = IpAddresses.parse(address);
    if (parsed.isEmpty()) {
      return Optional.empty();
    }
    byte[] bytes = parsed.get().getAddress();
    int max = bytes.length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? max : Integer.parseInt(trimmed.substring(slash + 1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    if (prefix < 0 || prefix > max) {
      return Optional.empty();
    }
    return Optional.of(new Cidr(trimmed, bytes, prefix));
  }

  public boolean contains(InetAddress address) {
    byte[] candidate = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    int fullBytes = prefixLength / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int remainingBits = prefixLength % 8;
    if (remainingBits == 0) {
      return true;
    }
    int mask = (0xFF << (8 - remainingBits)) & 0xFF;
    return (candidate[fullBytes] & mask) == (network[fullBytes] & mask);
  }
}
