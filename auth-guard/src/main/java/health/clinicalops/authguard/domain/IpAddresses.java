package health.clinicalops.authguard.domain;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict IP address parsing without any name lookup: dotted-quad IPv4 (no leading zeros, each part
 * 0-255) and RFC 4291 IPv6 text (no zone, no brackets). Addresses are compared in their canonical
 * text form ({@link #format(InetAddress)}).
 */
public final class IpAddresses {

  private static final Pattern IPV4 =
      Pattern.compile(
          "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");
  private static final Pattern IPV6_CHARS = Pattern.compile("^[0-9A-Fa-f:.]{2,45}$");

  private IpAddresses() {}

  /** The address, or empty when {@code text} is not a valid IPv4 or IPv6 literal. */
  public static Optional<InetAddress> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      if (IPV4.matcher(text).matches()) {
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
          bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return Optional.of(InetAddress.getByAddress(bytes));
      }
      if (text.indexOf(':') >= 0 && IPV6_CHARS.matcher(text).matches() && validIpv6Shape(text)) {
        // A literal with ':' is parsed as IPv6 text by the JDK, never looked up by name.
        return Optional.of(InetAddress.getByName(text));
      }
    } catch (UnknownHostException | IllegalArgumentException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * The client an address is counted and blocked as: the canonical IPv4 address, or the IPv6
   * network of {@code ipv6PrefixLength} bits in CIDR notation (e.g. {@code 2001:db8:1:2::/64}); a
   * prefix of 128 (or more) is the address itself.
   */
  public static String clientKey(InetAddress address, int ipv6PrefixLength) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4 || ipv6PrefixLength >= 128) {
      return format(address);
    }
    int prefix = Math.max(0, ipv6PrefixLength);
    for (int bit = prefix; bit < 128; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      return format(InetAddress.getByAddress(bytes)) + "/" + prefix;
    } catch (UnknownHostException e) {
      throw new IllegalStateException("16 bytes are always an IPv6 address", e);
    }
  }

  /** The canonical text of a valid address, or empty. */
  public static Optional<String> canonical(String text) {
    return parse(text).map(IpAddresses::format);
  }

  /**
   * The canonical text of an address: dotted quad for IPv4, RFC 5952 for IPv6 (lower case, no
   * leading zeros, the longest run of two or more zero groups written as {@code ::}).
   */
  public static String format(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return address.getHostAddress();
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 0;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    if (bestLength < 2) {
      bestStart = -1;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  private static boolean validIpv6Shape(String text) {
    int doubleColon = text.indexOf("::");
    if (doubleColon >= 0 && text.indexOf("::", doubleColon + 1) >= 0) {
      return false;
    }
    int dot = text.indexOf('.');
    if (dot >= 0) {
      String tail = text.substring(text.lastIndexOf(':') + 1);
      return IPV4.matcher(tail).matches();
    }
    return true;
  }
}
