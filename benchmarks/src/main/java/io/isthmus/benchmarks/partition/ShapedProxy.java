package io.isthmus.benchmarks.partition;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A user-space TCP proxy that shapes each direction like a link of a given bandwidth and round-trip
 * time (the kernel here has no netem): bytes read from one side are serialised onto a virtual wire
 * at the bandwidth (a chunk leaves when the chunks before it have left plus its own bits /
 * bandwidth) and delivered to the other side one-way delay = RTT / 2 after they leave. Each
 * direction has its own wire. The proxy terminates TCP on both sides, so TCP's own acknowledgements
 * and windows run over loopback, unshaped: this emulates the link's delay and rate, not TCP's
 * behaviour over it (slow start, loss).
 */
public final class ShapedProxy implements AutoCloseable {
  private static final int CHUNK = 1460;

  private final ServerSocket server;
  private final int upstreamPort;
  private final double nanosPerByte;
  private final long oneWayDelayNanos;

  /** Listens on a free loopback port and forwards to {@code upstreamPort} on loopback. */
  public ShapedProxy(int upstreamPort, double bitsPerSecond, double rttMs) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.upstreamPort = upstreamPort;
    this.nanosPerByte = 8e9 / bitsPerSecond;
    this.oneWayDelayNanos = (long) (rttMs * 1e6 / 2);
    Thread accept = new Thread(this::acceptLoop, "proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** The port to connect to instead of the upstream one. */
  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        wire(client.getInputStream(), upstream.getOutputStream(), "up");
        wire(upstream.getInputStream(), client.getOutputStream(), "down");
      } catch (IOException e) {
        if (!server.isClosed()) {
          System.err.println("proxy: " + e.getMessage());
        }
      }
    }
  }

  /** One direction: a reader that stamps each chunk's delivery time, a writer that keeps it. */
  private void wire(InputStream in, OutputStream out, String name) {
    BlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              long wireFree = 0;
              byte[] buffer = new byte[CHUNK];
              try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                  long now = System.nanoTime();
                  wireFree = Math.max(now, wireFree) + (long) (n * nanosPerByte);
                  queue.put(new Object[] {wireFree + oneWayDelayNanos, Arrays.copyOf(buffer, n)});
                }
              } catch (IOException | InterruptedException e) {
                // the connection closed
              }
              queue.add(new Object[] {0L, new byte[0]});
            },
            "proxy-" + name + "-in");
    Thread writer =
        new Thread(
            () -> {
              try {
                while (true) {
                  Object[] chunk = queue.take();
                  byte[] bytes = (byte[]) chunk[1];
                  if (bytes.length == 0) {
                    out.close();
                    return;
                  }
                  long wait;
                  while ((wait = (long) chunk[0] - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  out.write(bytes);
                  out.flush();
                }
              } catch (IOException | InterruptedException e) {
                // the connection closed
              }
            },
            "proxy-" + name + "-out");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
