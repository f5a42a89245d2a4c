package io.mcpegress.agent.audit;

/** An audit sink that drops every line: for tests of the hooks, where the trail is not the subject. */
public final class DiscardingSink implements AuditSink {

    /** A pipeline (not started) over this sink, as the dispatcher tests need one. */
    public static AuditPipeline pipeline() {
        return new AuditPipeline(64, new EcsEncoder(new ProcessIdentity("t", "0")), new DiscardingSink());
    }

    @Override
    public void write(byte[] line, int offset, int length) {
    }

    @Override
    public void flush() {
    }

    @Override
    public String describe() {
        return "none";
    }

    @Override
    public void close() {
    }
}
