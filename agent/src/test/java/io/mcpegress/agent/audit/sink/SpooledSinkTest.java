package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditPipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The on-disk spool in front of a real HTTP sink and a loopback collector that goes away and comes back. */
class SpooledSinkTest {

    private static final Pattern ITEM = Pattern.compile("\"path\":\"/items/(\\d+)\"");
    private static final String OK = "{\"text\":\"Success\",\"code\":0}";

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private SpooledSink spooled(int port, long spoolBytes, AuditPipeline.OverflowPolicy overflow, long closeTimeout)
            throws Exception {
        HttpBatchSink http = HttpBatchSink.builder(URI.create("http://127.0.0.1:" + port), HttpBatchSink.Format.SPLUNK_HEC)
                .timeoutsMillis(1_000, 2_000).closeTimeoutMillis(100).start();
        SpooledSink s = new SpooledSink(http, DiskSpool.openFirstFree(dir.resolve("http"), spoolBytes), overflow,
                50, 1 << 20, 0, 100, closeTimeout);
        open.add(s);
        return s;
    }

    private HttpReceiver receiver(int port) throws IOException {
        HttpReceiver r = HttpReceiver.start(port, req -> HttpReceiver.Reply.of(200, OK));
        open.add(r);
        return r;
    }

    /** Item numbers in the order the collector received them. */
    private static List<Integer> received(HttpReceiver r) {
        List<Integer> out = new ArrayList<>();
        for (HttpReceiver.Request req : r.requests()) {
            Matcher m = ITEM.matcher(req.bodyText());
            while (m.find()) {
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        return out;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    private static void write(SpooledSink sink, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            byte[] line = TestSupport.line(i);
            sink.write(line, 0, line.length);
            sink.flush();
        }
    }

    @Test
    void aCollectorThatIsDownThenBackGetsEveryEventOnceInOrder() throws Exception {
        int port = TestSupport.freeTcpPort();
        HttpReceiver first = receiver(port);
        SpooledSink sink = spooled(port, 64L << 20, AuditPipeline.OverflowPolicy.DROP, 5_000);
        write(sink, 0, 100);
        TestSupport.await("first 100 delivered", 10_000, () -> received(first).size() == 100);

        first.close(); // the collector goes away: connections refused
        write(sink, 100, 400);
        Thread.sleep(500);
        assertThat(sink.spooledCount()).isEqualTo(300);

        HttpReceiver back = receiver(port);
        write(sink, 400, 500);
        TestSupport.await("the backlog and the new events", 20_000, () -> received(back).size() >= 400);
        Thread.sleep(300);
        assertThat(received(first)).containsExactlyElementsOf(range(0, 100));
        assertThat(received(back)).containsExactlyElementsOf(range(100, 500));
        assertThat(sink.spooledCount()).isZero();
        assertThat(sink.lostCount()).isZero();
        assertThat(back.violations()).isEmpty();
    }

    @Test
    void eventsStillSpooledAtShutdownAreSentByTheNextStart() throws Exception {
        int port = TestSupport.freeTcpPort(); // nobody listens yet
        SpooledSink before = spooled(port, 64L << 20, AuditPipeline.OverflowPolicy.DROP, 200);
        write(before, 0, 50);
        before.close();
        open.remove(before);

        HttpReceiver r = receiver(port);
        SpooledSink after = spooled(port, 64L << 20, AuditPipeline.OverflowPolicy.DROP, 5_000);
        write(after, 50, 60);
        TestSupport.await("replayed and new events", 20_000, () -> received(r).size() >= 60);
        Thread.sleep(300);
        assertThat(received(r)).containsExactlyElementsOf(range(0, 60));
    }

    @Test
    void aFullSpoolUnderTheDropPolicyLosesNewEventsAndReportsThem() throws Exception {
        int port = TestSupport.freeTcpPort(); // nobody listens
        SpooledSink sink = spooled(port, 1 << 20, AuditPipeline.OverflowPolicy.DROP, 100);
        byte[] line = TestSupport.line(1);
        int accepted = 0;
        IOException refused = null;
        for (int i = 0; i < 100_000 && refused == null; i++) {
            try {
                sink.write(line, 0, line.length);
                accepted++;
            } catch (IOException e) {
                refused = e;
            }
        }
        assertThat(refused).hasMessageContaining("spool full").hasMessageContaining("event dropped");
        assertThat(accepted).isBetween((1 << 20) / (line.length + 8) - 1, (1 << 20) / line.length);
        assertThat(sink.lostCount()).isEqualTo(1);
        assertThatThrownBy(sink::flush).hasMessageContaining("1 events lost");
    }
}
