package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditSink;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FanOutSinkTest {

    static final class Recording implements AuditSink {
        final String name;
        final boolean failing;
        final List<String> calls = new ArrayList<>();

        Recording(String name, boolean failing) {
            this.name = name;
            this.failing = failing;
        }

        @Override
        public void write(byte[] line, int offset, int length) throws IOException {
            calls.add("write");
            if (failing) {
                throw new IOException(name + " down");
            }
        }

        @Override
        public void flush() throws IOException {
            calls.add("flush");
            if (failing) {
                throw new IOException(name + " down");
            }
        }

        @Override
        public String describe() {
            return name;
        }

        @Override
        public void close() {
            calls.add("close");
        }
    }

    @Test
    void aFailingSinkDoesNotKeepEventsFromTheOthers() throws Exception {
        Recording a = new Recording("a", false);
        Recording broken = new Recording("broken", true);
        Recording c = new Recording("c", false);
        FanOutSink fan = new FanOutSink(List.of(a, broken, c));
        byte[] line = TestSupport.line(0);
        assertThatThrownBy(() -> fan.write(line, 0, line.length)).hasMessage("broken down");
        assertThatThrownBy(fan::flush).hasMessage("broken down");
        fan.close();
        assertThat(a.calls).containsExactly("write", "flush", "close");
        assertThat(c.calls).containsExactly("write", "flush", "close");
        assertThat(fan.errorCount(0)).isZero();
        assertThat(fan.errorCount(1)).isEqualTo(2);
        assertThat(fan.describe()).isEqualTo("[a, broken, c]");
        assertThat(fan.endpoints()).isEmpty();
        assertThat(new FanOutSink(List.of(a)).describe()).isEqualTo("a");
    }
}
