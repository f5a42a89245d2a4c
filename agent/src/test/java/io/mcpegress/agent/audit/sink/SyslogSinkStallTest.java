package io.mcpegress.agent.audit.sink;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A receiver that accepts but never reads must not block the writer thread for good. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SyslogSinkStallTest {

    @Test
    void aStalledReceiverFailsTheWriteAfterTheWriteTimeout() throws Exception {
        List<Socket> held = Collections.synchronizedList(new ArrayList<>());
        try (ServerSocket server = new ServerSocket()) {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(server.accept()); // and never read
                    }
                } catch (IOException closed) {
                    // test over
                }
            }, "test-stalled-receiver");
            acceptor.setDaemon(true);
            acceptor.start();

            byte[] big = ("{\"filler\":\"" + "x".repeat(512 * 1024) + "\"}\n").getBytes(StandardCharsets.UTF_8);
            SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.TCP, "127.0.0.1", server.getLocalPort())
                    .writeTimeoutMillis(300).backoffMillis(10, 10).build();
            long start = System.nanoTime();
            assertThatThrownBy(() -> {
                for (int i = 0; i < 400; i++) {
                    sink.write(big, 0, big.length);
                }
                sink.flush();
            }).isInstanceOf(IOException.class).hasMessageContaining("write timed out after 300 ms");
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMillis).isLessThan(10_000);
            sink.close();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
