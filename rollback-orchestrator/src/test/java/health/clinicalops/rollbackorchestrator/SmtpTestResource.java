package health.clinicalops.rollbackorchestrator;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real SMTP server (GreenMail) on a free loopback port, for every test class of the module (one
 * resource set, so no extra app restarts). The app's quarkus-mailer sends to it over SMTP.
 */
public class SmtpTestResource implements QuarkusTestResourceLifecycleManager {

  private static volatile GreenMail server;
  private static volatile int port;
  private static volatile ServerSocket hung;
  private static final List<Socket> HELD_CONNECTIONS = new CopyOnWriteArrayList<>();

  @Override
  public Map<String, String> start() {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    startServer();
    return Map.of(
        "quarkus.mailer.host", "127.0.0.1",
        "quarkus.mailer.port", String.valueOf(port),
        "quarkus.mailer.start-tls", "DISABLED",
        "quarkus.mailer.tls", "false",
        "quarkus.mailer.from", "status@clinical-ops.test");
  }

  private static void startServer() {
    server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    server.start();
  }

  /** The messages received so far. */
  public static List<MimeMessage> received() {
    return Arrays.asList(server.getReceivedMessages());
  }

  /** The messages received for one address. */
  public static List<MimeMessage> receivedBy(String address) {
    return received().stream()
        .filter(
            m -> {
              try {
                return Arrays.stream(m.getAllRecipients())
                    .anyMatch(a -> a.toString().equalsIgnoreCase(address));
              } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }

  /** The text body of a message. */
  public static String text(MimeMessage message) {
    try {
      Object content = message.getContent();
      if (content instanceof String s) {
        return s;
      }
      return com.icegreen.greenmail.util.GreenMailUtil.getBody(message);
    } catch (IOException | jakarta.mail.MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the SMTP server (the app's sends fail) until {@link #restart()}. */
  public static void stopServer() {
    server.stop();
  }

  /**
   * Replaces the SMTP server by one that accepts connections and never answers, as a server whose
   * network path died looks to a client, until {@link #restart()}.
   */
  public static void hang() {
    server.stop();
    hung = bindWhenFree();
    Thread accepting =
        new Thread(
            () -> {
              try {
                while (true) {
                  HELD_CONNECTIONS.add(hung.accept());
                }
              } catch (IOException closed) {
                // restart() closed the socket
              }
            },
            "hung-smtp");
    accepting.setDaemon(true);
    accepting.start();
  }

  /** Binds the SMTP port once GreenMail has let go of it. */
  private static ServerSocket bindWhenFree() {
    ServerSocket[] bound = new ServerSocket[1];
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptionsInstanceOf(IOException.class)
        .untilAsserted(
            () -> {
              ServerSocket socket = new ServerSocket();
              socket.setReuseAddress(true);
              try {
                socket.bind(new InetSocketAddress("127.0.0.1", port));
              } catch (IOException e) {
                socket.close();
                throw e;
              }
              bound[0] = socket;
            });
    return bound[0];
  }

  /** Starts it again on the same port, unless it is running. */
  public static void restart() {
    closeHungServer();
    if (!server.isRunning()) {
      startServer();
    }
  }

  private static void closeHungServer() {
    try {
      if (hung != null) {
        hung.close();
        hung = null;
      }
      for (Socket socket : HELD_CONNECTIONS) {
        socket.close();
      }
      HELD_CONNECTIONS.clear();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Forgets every received message. */
  public static void purge() {
    try {
      server.purgeEmailFromAllMailboxes();
    } catch (com.icegreen.greenmail.store.FolderException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {
    closeHungServer();
    if (server != null) {
      server.stop();
      server = null;
    }
  }
}
