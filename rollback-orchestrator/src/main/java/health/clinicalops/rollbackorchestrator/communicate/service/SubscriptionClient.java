package health.clinicalops.rollbackorchestrator.communicate.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Who a subscribe request is counted as: an IPv4 address as it is, an IPv6 address as its network
 * ({@code 2001:db8:1:2:0:0:0:0/64}), so that rotating through one's own IPv6 addresses does not
 * multiply the limit. Never looks a name up.
 */
final class SubscriptionClient {

  private static final Pattern IP_LITERAL =
      Pattern.compile("^(\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$");

  private SubscriptionClient() {}

  /** The client of a connection's remote address ({@code unknown} when there is none). */
  static String of(String remoteAddress, int ipv6PrefixLength) {
    if (remoteAddress == null || remoteAddress.isBlank()) {
      return "unknown";
    }
    String literal = remoteAddress.strip();
    if (literal.startsWith("[") && literal.endsWith("]")) {
      literal = literal.substring(1, literal.length() - 1);
    }
    int zone = literal.indexOf('%');
    if (zone >= 0) {
      literal = literal.substring(0, zone);
    }
    if (!IP_LITERAL.matcher(literal).matches()) {
      return literal;
    }
    try {
      // A dotted quad or text with ':' is parsed as a literal by the JDK, never resolved.
      InetAddress address = InetAddress.getByName(literal);
      byte[] bytes = address.getAddress();
      if (bytes.length == 4 || ipv6PrefixLength >= 128) {
        return address.getHostAddress();
      }
      int prefix = Math.max(0, ipv6PrefixLength);
      for (int bit = prefix; bit < 128; bit++) {
        bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
      }
      return InetAddress.getByAddress(bytes).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return literal;
    }
  }
}
