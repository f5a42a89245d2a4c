package io.mcpegress.agent.audit.sink;

import java.io.PrintStream;

/**
 * JSON lines on the process's standard error. Safe for MCP servers on the stdio transport, whose
 * protocol uses stdin/stdout only; typical for containers, where the runtime collects stderr.
 */
public final class StderrSink extends StreamSink {

    /** Writes to the {@link System#err} in place when the sink is created. */
    public StderrSink() {
        this(System.err);
    }

    StderrSink(PrintStream err) {
        super(err, "stderr");
    }
}
