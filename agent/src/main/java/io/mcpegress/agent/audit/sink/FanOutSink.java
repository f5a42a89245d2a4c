package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditSink;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Hands every line to each of several sinks, so the pipeline (which takes one sink) can feed a
 * file, syslog and an HTTP collector at once. A failing sink never keeps a line from the others:
 * every sink is called, failures are counted per sink, and the first one is rethrown (the others
 * attached as suppressed) so the pipeline counts the error.
 */
public final class FanOutSink implements NetworkSink {

    private final List<AuditSink> sinks;
    private final AtomicLongArray errors;

    public FanOutSink(List<? extends AuditSink> sinks) {
        if (sinks.isEmpty()) {
            throw new IllegalArgumentException("no sink");
        }
        this.sinks = List.copyOf(sinks);
        this.errors = new AtomicLongArray(this.sinks.size());
    }

    public List<AuditSink> sinks() {
        return sinks;
    }

    /** Failures per sink, in the order of {@link #sinks()}. */
    public long errorCount(int index) {
        return errors.get(index);
    }

    @Override
    public void write(byte[] line, int offset, int length) throws IOException {
        IOException first = null;
        for (int i = 0; i < sinks.size(); i++) {
            try {
                sinks.get(i).write(line, offset, length);
            } catch (IOException | RuntimeException e) {
                first = record(i, first, e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void flush() throws IOException {
        IOException first = null;
        for (int i = 0; i < sinks.size(); i++) {
            try {
                sinks.get(i).flush();
            } catch (IOException | RuntimeException e) {
                first = record(i, first, e);
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private IOException record(int index, IOException first, Exception e) {
        errors.incrementAndGet(index);
        IOException io = e instanceof IOException ? (IOException) e
                : new IOException(sinks.get(index).describe() + ": " + e, e);
        if (first == null) {
            return io;
        }
        first.addSuppressed(io);
        return first;
    }

    /** Every network endpoint of every sink; empty when none talks to the network. */
    @Override
    public Set<InetSocketAddress> endpoints() {
        Set<InetSocketAddress> all = new LinkedHashSet<>();
        for (AuditSink s : sinks) {
            if (s instanceof NetworkSink) {
                all.addAll(((NetworkSink) s).endpoints());
            }
        }
        return Collections.unmodifiableSet(all);
    }

    @Override
    public String describeEndpoint() {
        List<String> parts = new ArrayList<>();
        for (AuditSink s : sinks) {
            if (s instanceof NetworkSink) {
                parts.add(((NetworkSink) s).describeEndpoint());
            }
        }
        return String.join(",", parts);
    }

    @Override
    public String describe() {
        if (sinks.size() == 1) {
            return sinks.get(0).describe();
        }
        List<String> parts = new ArrayList<>();
        for (AuditSink s : sinks) {
            parts.add(s.describe());
        }
        return "[" + String.join(", ", parts) + "]";
    }

    /** Closes every sink (an HTTP sink waits for its buffer to drain, bounded by its close timeout). */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (int i = 0; i < sinks.size(); i++) {
            try {
                sinks.get(i).close();
            } catch (Exception e) {
                first = record(i, first, e);
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
