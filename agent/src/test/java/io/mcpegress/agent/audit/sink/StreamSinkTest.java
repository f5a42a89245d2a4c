package io.mcpegress.agent.audit.sink;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StreamSinkTest {

    @Test
    void stderrSinkWritesWholeLines() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        StderrSink sink = new StderrSink(new PrintStream(buf, false, StandardCharsets.UTF_8));
        byte[] a = TestSupport.line(1);
        byte[] b = TestSupport.line(2);
        sink.write(a, 0, a.length);
        sink.write(b, 0, b.length);
        sink.flush();
        assertThat(buf.toString(StandardCharsets.UTF_8))
                .isEqualTo(TestSupport.text(a) + "\n" + TestSupport.text(b) + "\n");
        assertThat(sink.describe()).isEqualTo("stderr");
    }

    @Test
    void aBrokenStreamIsReportedAtFlush() {
        PrintStream broken = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        }, false, StandardCharsets.UTF_8);
        StderrSink sink = new StderrSink(broken);
        byte[] a = TestSupport.line(1);
        assertThatThrownBy(() -> {
            sink.write(a, 0, a.length);
            sink.flush();
        }).isInstanceOf(IOException.class).hasMessageContaining("stderr is not writable");
    }

    @Test
    void stdoutSinkWorksWhenTheProcessIsNotAStdioServer() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        StdoutSink sink = new StdoutSink(false, new PrintStream(buf, false, StandardCharsets.UTF_8));
        byte[] a = TestSupport.line(1);
        sink.write(a, 0, a.length);
        sink.close();
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(TestSupport.text(a) + "\n");
        assertThat(sink.describe()).isEqualTo("stdout");
    }

    @Test
    void stdoutSinkRefusesToExistInAStdioServer() {
        assertThatThrownBy(() -> new StdoutSink(true, System.out))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stdio transport")
                .hasMessageContaining("mcp.egress.stdio-server=false");
        assertThatThrownBy(() -> StdoutSink.create("true")).isInstanceOf(IllegalStateException.class);
        assertThat(StdoutSink.create("false")).isNotNull();
    }

    @Test
    void detectionHeuristics() {
        // explicit settings win
        assertThat(StdoutSink.looksLikeStdioMcpServer("true", "com.acme.Http", "/dev/null", "/dev/pts/0")).isTrue();
        assertThat(StdoutSink.looksLikeStdioMcpServer("false", "x.jar --stdio", "pipe:[1]", "pipe:[2]")).isFalse();
        assertThat(StdoutSink.looksLikeStdioMcpServer(" TRUE ", "", null, null)).isTrue();
        // the command line names the stdio transport
        assertThat(StdoutSink.looksLikeStdioMcpServer(null, "server.jar --transport stdio", "/dev/null", "/dev/pts/1")).isTrue();
        assertThat(StdoutSink.looksLikeStdioMcpServer("auto", "com.acme.WeatherStdioServer", null, null)).isTrue();
        assertThat(StdoutSink.looksLikeStdioMcpServer("auto", "server.jar --stdio", null, null)).isTrue();
        assertThat(StdoutSink.looksLikeStdioMcpServer("auto", "com.acme.Studio", null, null)).isFalse();
        // launched by an MCP client: stdin and stdout are both pipes (or a socketpair)
        assertThat(StdoutSink.looksLikeStdioMcpServer("auto", "server.jar", "pipe:[123]", "pipe:[124]")).isTrue();
        assertThat(StdoutSink.looksLikeStdioMcpServer("auto", "server.jar", "socket:[9]", "socket:[10]")).isTrue();
        // a container or service: stdin is /dev/null or a terminal, stdout a pipe to the log collector
        assertThat(StdoutSink.looksLikeStdioMcpServer("auto", "server.jar", "/dev/null", "pipe:[124]")).isFalse();
        assertThat(StdoutSink.looksLikeStdioMcpServer("auto", "server.jar", "/dev/pts/3", "/dev/pts/3")).isFalse();
        assertThat(StdoutSink.looksLikeStdioMcpServer("auto", "server.jar", "pipe:[1]", "/var/log/app.log")).isFalse();
        assertThat(StdoutSink.looksLikeStdioMcpServer(null, "server.jar", null, null)).isFalse();
    }
}
