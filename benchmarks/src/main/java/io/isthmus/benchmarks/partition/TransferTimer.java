package io.isthmus.benchmarks.partition;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;

/**
 * Times one offload's traffic through a {@link ShapedProxy}: the gateway sends a request of the cut
 * tensors' bytes, and a sink standing in for the cloud answers with the model outputs' bytes as
 * soon as it has read the request (no inference: the tail's time is measured separately). Frames
 * are a 4-byte payload length, a 4-byte reply length, then the payload.
 */
final class TransferTimer implements AutoCloseable {
  private final ServerSocket sink;
  private final ShapedProxy proxy;
  private final Socket socket;
  private final DataOutputStream out;
  private final DataInputStream in;

  TransferTimer(double bitsPerSecond, double rttMs) throws IOException {
    sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread serve = new Thread(this::serve, "sink");
    serve.setDaemon(true);
    serve.start();
    proxy = new ShapedProxy(sink.getLocalPort(), bitsPerSecond, rttMs);
    socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setTcpNoDelay(true);
    out = new DataOutputStream(socket.getOutputStream());
    in = new DataInputStream(socket.getInputStream());
  }

  private void serve() {
    try (Socket s = sink.accept()) {
      s.setTcpNoDelay(true);
      DataInputStream request = new DataInputStream(s.getInputStream());
      DataOutputStream reply = new DataOutputStream(s.getOutputStream());
      while (true) {
        int length = request.readInt();
        int replyLength = request.readInt();
        request.readFully(new byte[length]);
        reply.write(new byte[replyLength]);
        reply.flush();
      }
    } catch (IOException e) {
      // the gateway closed the connection
    }
  }

  /**
   * Median and p90 ms of {@code runs} exchanges of {@code sent} bytes out and {@code returned}
   * back.
   */
  double[] time(long sent, long returned, int warmup, int runs) throws IOException {
    double[] ms = new double[runs];
    for (int i = -warmup; i < runs; i++) {
      long start = System.nanoTime();
      out.writeInt((int) sent);
      out.writeInt((int) returned);
      out.write(new byte[(int) sent]);
      out.flush();
      in.readFully(new byte[(int) returned]);
      if (i >= 0) {
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    Arrays.sort(ms);
    return new double[] {ms[runs / 2], ms[(int) Math.ceil(0.9 * runs) - 1]};
  }

  @Override
  public void close() throws IOException {
    socket.close();
    proxy.close();
    sink.close();
  }
}
