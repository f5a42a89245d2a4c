package io.mcpegress.agent.audit;

import java.util.List;
import java.util.function.Supplier;

/**
 * Something the agent reports about itself rather than about an exchange. Each kind fills the
 * fields it needs and leaves the others {@code null}.
 */
public final class AgentEvent implements AuditRecord {

    public enum Kind {
        /** The agent is running: version, configuration hash, mode, proxy, modules. */
        START("agent-start"),
        /** Periodic sign of life with counters; its absence is what a SIEM alerts on. */
        HEARTBEAT("agent-heartbeat"),
        /** The policy file changed on disk and was applied (or rejected). */
        CONFIG_RELOAD("config-reload"),
        /** The JVM is going away; the last counters. */
        SHUTDOWN("agent-shutdown"),
        /** Events were lost since the last report (queue or spool full, every sink failed). */
        DROPPED("audit-dropped"),
        /** A library the agent instruments was loaded and woven (name and version). */
        LIBRARY_INSTRUMENTED("library-instrumented"),
        /** A library class the agent should instrument could not be: its calls are not routed or audited. */
        LIBRARY_UNSUPPORTED("library-unsupported");

        private final String action;

        Kind(String action) {
            this.action = action;
        }

        /** The value of {@code event.action} (ECS) / {@code activity_name} detail (OCSF). */
        public String action() {
            return action;
        }
    }

    private final Kind kind;
    private final long epochMillis;
    private final String message;
    private final boolean failure;
    private Supplier<String> configHashSource; // the start event's hash is computed by the writer
    private String configHash;
    private final String mode;
    private final String proxy;
    private final List<String> modules;
    private final AgentCounters counters;
    private final long droppedSinceLastReport;
    private final String library;
    private final String libraryVersion;
    private final String className;

    private AgentEvent(Kind kind, long epochMillis, String message, boolean failure, String configHash, String mode,
                       String proxy, List<String> modules, AgentCounters counters, long droppedSinceLastReport,
                       String library, String libraryVersion, String className) {
        this.kind = kind;
        this.epochMillis = epochMillis;
        this.message = message;
        this.failure = failure;
        this.configHash = configHash;
        this.configHashSource = null;
        this.mode = mode;
        this.proxy = proxy;
        this.modules = modules == null ? null : List.copyOf(modules);
        this.counters = counters;
        this.droppedSinceLastReport = droppedSinceLastReport;
        this.library = library;
        this.libraryVersion = libraryVersion;
        this.className = className;
    }

    public static AgentEvent start(String configHash, String mode, String proxy, List<String> modules, String message) {
        return new AgentEvent(Kind.START, now(), message, false, configHash, mode, proxy, modules, null, 0,
                null, null, null);
    }

    /**
     * The start event, its configuration hash computed when the writer encodes it: SHA-256's JCA
     * set-up is then the writer's work, not premain's (~15 ms of start-up).
     */
    public static AgentEvent start(Supplier<String> configHash, String mode, String proxy, List<String> modules,
                                   String message) {
        AgentEvent e = start((String) null, mode, proxy, modules, message);
        e.configHashSource = configHash;
        return e;
    }

    public static AgentEvent heartbeat(AgentCounters counters) {
        return new AgentEvent(Kind.HEARTBEAT, now(), "agent alive", false, null, null, null, null, counters, 0,
                null, null, null);
    }

    public static AgentEvent configReload(String configHash, boolean applied, String message) {
        return new AgentEvent(Kind.CONFIG_RELOAD, now(), message, !applied, configHash, null, null, null, null, 0,
                null, null, null);
    }

    public static AgentEvent shutdown(AgentCounters counters) {
        return new AgentEvent(Kind.SHUTDOWN, now(), "agent stopping with the JVM", false, null, null, null, null,
                counters, 0, null, null, null);
    }

    public static AgentEvent dropped(long droppedSinceLastReport, AgentCounters counters, String why) {
        return new AgentEvent(Kind.DROPPED, now(), droppedSinceLastReport + " audit events lost: " + why, true,
                null, null, null, null, counters, droppedSinceLastReport, null, null, null);
    }

    public static AgentEvent libraryInstrumented(String library, String version, String className) {
        return new AgentEvent(Kind.LIBRARY_INSTRUMENTED, now(), "instrumented " + library
                + (version == null ? "" : " " + version), false, null, null, null, null, null, 0,
                library, version, className);
    }

    public static AgentEvent libraryUnsupported(String library, String version, String className, String reason) {
        return new AgentEvent(Kind.LIBRARY_UNSUPPORTED, now(), "could not instrument " + className + ": " + reason
                + " (calls through it are NOT routed or audited by the client layer)", true, null, null, null, null,
                null, 0, library, version, className);
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public long epochMillis() {
        return epochMillis;
    }

    public String message() {
        return message;
    }

    /** True when the event reports a problem (dropped events, unsupported library, rejected reload). */
    public boolean failure() {
        return failure;
    }

    /** SHA-256 of the effective configuration (start, reload), else {@code null}. */
    public String configHash() {
        Supplier<String> source = configHashSource;
        if (source != null) { // one thread encodes an event; a second computation would give the same
            configHash = source.get();
            configHashSource = null;
        }
        return configHash;
    }

    public String mode() {
        return mode;
    }

    public String proxy() {
        return proxy;
    }

    /** Instrumentation modules installed (start), else {@code null}. */
    public List<String> modules() {
        return modules;
    }

    /** Heartbeat, dropped and shutdown events, else {@code null}. */
    public AgentCounters counters() {
        return counters;
    }

    public long droppedSinceLastReport() {
        return droppedSinceLastReport;
    }

    public String library() {
        return library;
    }

    public String libraryVersion() {
        return libraryVersion;
    }

    public String className() {
        return className;
    }
}
