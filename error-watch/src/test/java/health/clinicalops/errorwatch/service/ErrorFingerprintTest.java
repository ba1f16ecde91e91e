package health.clinicalops.errorwatch.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What a fingerprint strips, and what it keeps. */
class ErrorFingerprintTest {

  @Test
  void variablePartsAreStripped() {
    assertEquals(
        "Rate limit exceeded for <ip>", ErrorFingerprint.of("Rate limit exceeded for 203.0.113.7"));
    assertEquals(
        "Connection refused to <ip>", ErrorFingerprint.of("Connection refused to 10.0.0.5:5432"));
    assertEquals(
        "Note <uuid> not found",
        ErrorFingerprint.of("Note 3f2a9c4e-1b2d-4c5e-8f90-123456789abc not found"));
    assertEquals(
        "Email <email> already registered",
        ErrorFingerprint.of("Email jane.doe+x@example.org already registered"));
    assertEquals("User <id> not found", ErrorFingerprint.of("User u-123 not found"));
    assertEquals(
        "Unexpected token } in JSON at position <n>",
        ErrorFingerprint.of("Unexpected token } in JSON at position 1234"));
    assertEquals(
        "SyntaxError at line <n> column <n>",
        ErrorFingerprint.of("SyntaxError at line 12 column 7"));
    assertEquals(
        "TypeError in /app/page.js:<line>:<col>",
        ErrorFingerprint.of("TypeError in /app/page.js:12:7"));
    assertEquals(
        "listen EADDRINUSE on port <port>", ErrorFingerprint.of("listen EADDRINUSE on port 3000"));
    assertEquals("Connection to <ip> lost", ErrorFingerprint.of("Connection to 2001:db8::1 lost"));
    assertEquals("Object <hex> freed", ErrorFingerprint.of("Object 0x7ffd5e8c freed"));
    assertEquals(
        "Request timeout after <n>ms", ErrorFingerprint.of("Request timeout after 5210ms"));
    assertEquals("Payload of <n>MB too large", ErrorFingerprint.of("Payload of 12.5MB too large"));
  }

  @Test
  void messagesWithoutAVariablePartAreTheirOwnFingerprint() {
    assertEquals("Invalid credentials", ErrorFingerprint.of("Invalid credentials"));
    assertEquals(
        "PrismaClientKnownRequestError P2002",
        ErrorFingerprint.of("PrismaClientKnownRequestError P2002"));
    assertEquals("null", ErrorFingerprint.of(null));
  }

  /**
   * One megabyte of input that makes a backtracking regex quadratic (runs of word characters,
   * colons, spaces after "port", digits, hex and dashes): every rule must still finish. The bound
   * only guards against a hang; it is not a speed goal.
   */
  @Test
  void aMegabyteOfPathologicalInputIsFingerprintedInLinearTime() {
    int n = 1 << 20;
    assertFingerprint("a".repeat(n), "a".repeat(n));
    assertFingerprint("x [" + ":".repeat(n), "x [" + ":".repeat(n));
    assertFingerprint("port" + " ".repeat(n) + "x", "port" + " ".repeat(n) + "x");
    assertFingerprint("line" + " ".repeat(n) + "x", "line" + " ".repeat(n) + "x");
    assertFingerprint("a-".repeat(n / 2), "a-".repeat(n / 2));
    assertFingerprint("g:".repeat(n / 2), "g:".repeat(n / 2));
    assertFingerprint("a@".repeat(n / 2), "a@".repeat(n / 2));
    assertFingerprint("a:".repeat(n / 2) + "g", "<ip>:".repeat(n / 16) + "g");
    assertFingerprint("1".repeat(n) + "x", "<id>");
    assertFingerprint("x " + "1".repeat(n), "x <n>");
    assertFingerprint(":1:" + "1".repeat(n) + "x", ":<n>:<id>");
    assertFingerprint("abc" + "d".repeat(n) + "1", "<hex>");
    assertFingerprint(
        "Note " + "ab".repeat(n / 2) + " not found", "Note " + "ab".repeat(n / 2) + " not found");
  }

  private static void assertFingerprint(String message, String expected) {
    String fingerprint =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> ErrorFingerprint.compute(message));
    // Not assertEquals: a megabyte in the failure message helps nobody.
    assertTrue(
        expected.equals(fingerprint),
        () ->
            "fingerprint of "
                + message.substring(0, 40)
                + "... was "
                + fingerprint.substring(0, Math.min(80, fingerprint.length()))
                + "...");
  }
}
