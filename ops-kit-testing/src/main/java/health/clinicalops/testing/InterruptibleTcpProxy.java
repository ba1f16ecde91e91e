package health.clinicalops.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of a server that tests can cut off and bring back on the same
 * port: {@link #cut()} stops listening (a new connection is refused) and resets every connection
 * that is open (a watch in progress ends at once, as when an API server goes away); {@link
 * #restore()} listens again on the same port. Used to take the Kubernetes test server away for a
 * while: it cannot be restarted itself, since its shutdown closes its Vert.x instance for good.
 */
public final class InterruptibleTcpProxy implements AutoCloseable {

  private final InetSocketAddress target;
  private final InetAddress address = InetAddress.getLoopbackAddress();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Object lock = new Object();
  private final int port;
  private ServerSocket listener;
  private boolean closed;

  private InterruptibleTcpProxy(InetSocketAddress target) {
    this.target = target;
    synchronized (lock) {
      listener = listen(0);
      port = listener.getLocalPort();
      accept(listener);
    }
  }

  /** Starts forwarding a free loopback port to {@code host:port}. */
  public static InterruptibleTcpProxy start(String host, int port) {
    return new InterruptibleTcpProxy(new InetSocketAddress(host, port));
  }

  /** The port clients connect to; the same before and after a cut. */
  public int port() {
    return port;
  }

  /** {@code http://<loopback>:<port>/}. */
  public String httpUrl() {
    return "http://" + address.getHostAddress() + ":" + port + "/";
  }

  /** Whether the proxy is cut off now. */
  public boolean isCut() {
    synchronized (lock) {
      return listener == null;
    }
  }

  /**
   * Refuses new connections and resets the open ones (RST, no orderly close), until {@link
   * #restore()}.
   */
  public void cut() {
    synchronized (lock) {
      if (listener != null) {
        closeQuietly(listener);
        listener = null;
      }
      for (Socket socket : open) {
        reset(socket);
      }
      open.clear();
    }
  }

  /** Listens again on the same port. */
  public void restore() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("proxy closed");
      }
      if (listener == null) {
        listener = listen(port);
        accept(listener);
      }
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      closed = true;
      cut();
    }
  }

  private ServerSocket listen(int onPort) {
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(address, onPort));
      return socket;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address + ":" + onPort, e);
    }
  }

  private void accept(ServerSocket server) {
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  connect(server.accept(), server);
                } catch (IOException e) {
                  // closed by cut(), or one connection that failed: the next accept decides
                }
              }
            },
            "tcp-proxy-accept-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void connect(Socket client, ServerSocket acceptedBy) {
    Socket upstream = new Socket();
    synchronized (lock) {
      if (listener != acceptedBy) {
        // cut() ran while this connection was being accepted
        reset(client);
        return;
      }
      open.add(client);
      open.add(upstream);
    }
    try {
      upstream.connect(target, 2000);
    } catch (IOException e) {
      reset(client);
      reset(upstream);
      return;
    }
    pump(client, upstream);
    pump(upstream, client);
  }

  private void pump(Socket from, Socket to) {
    Thread pump =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) != -1) {
                  out.write(buffer, 0, read);
                  out.flush();
                }
              } catch (IOException e) {
                // the other direction, or cut(), closed the connection
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "tcp-proxy-pump-" + port);
    pump.setDaemon(true);
    pump.start();
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (SocketException e) {
      // already closed
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // nothing left to do
    }
  }
}
