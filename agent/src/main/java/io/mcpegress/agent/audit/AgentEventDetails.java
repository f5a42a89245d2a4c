package io.mcpegress.agent.audit;

/**
 * The agent-specific details of an {@link AgentEvent} (configuration hash, mode, modules, library,
 * counters), written the same way by both schemas: under {@code mcp.egress} in ECS, under
 * {@code unmapped} in OCSF.
 */
final class AgentEventDetails {

    private AgentEventDetails() {
    }

    /** Into the object the writer has open. */
    static void write(JsonLineWriter g, AgentEvent e) {
        g.stringIfSet(Fields.CONFIG_HASH, e.configHash());
        g.stringIfSet(Fields.MODE, e.mode());
        g.stringIfSet(Fields.PROXY, e.proxy());
        if (e.modules() != null) {
            g.startArray(Fields.MODULES);
            for (String m : e.modules()) {
                g.string(m);
            }
            g.endArray();
        }
        if (e.kind() == AgentEvent.Kind.DROPPED) {
            g.number(Fields.DROPPED, e.droppedSinceLastReport());
        }
        if (e.library() != null) {
            g.startObject(Fields.LIBRARY);
            g.string(Fields.NAME, e.library());
            g.stringIfSet(Fields.VERSION, e.libraryVersion());
            g.stringIfSet(Fields.CLASS, e.className());
            g.endObject();
        }
        AgentCounters c = e.counters();
        if (c != null) {
            g.startObject(Fields.STATS);
            g.number(Fields.EXCHANGES, c.exchanges());
            g.number(Fields.DENIED, c.denied());
            g.number(Fields.DROPPED, c.dropped());
            g.number(Fields.QUEUE_DEPTH, c.queueDepth());
            g.number(Fields.SPOOLED, c.spooled());
            g.number(Fields.SINK_ERRORS, c.sinkErrors());
            g.number(Fields.ADVICE_ERRORS, c.adviceErrors());
            g.endObject();
        }
    }
}
