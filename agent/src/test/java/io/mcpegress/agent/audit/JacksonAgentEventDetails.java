package io.mcpegress.agent.audit;

import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;

/**
 * The agent-specific details of an {@link AgentEvent} (configuration hash, mode, modules, library,
 * counters), written the same way by both schemas: under {@code mcp.egress} in ECS, under
 * {@code unmapped} in OCSF.
 *
 * <p>Test reference only: the Jackson-based encoders as they were before the hand-written
 * {@link JsonLineWriter}, kept to prove the new encoders write identical bytes.
 */
final class JacksonAgentEventDetails {

    private JacksonAgentEventDetails() {
    }

    /** Into the object the generator has open. */
    static void write(JsonGenerator g, AgentEvent e) throws IOException {
        stringIfSet(g, "config_hash", e.configHash());
        stringIfSet(g, "mode", e.mode());
        stringIfSet(g, "proxy", e.proxy());
        if (e.modules() != null) {
            g.writeArrayFieldStart("modules");
            for (String m : e.modules()) {
                g.writeString(m);
            }
            g.writeEndArray();
        }
        if (e.kind() == AgentEvent.Kind.DROPPED) {
            g.writeNumberField("dropped", e.droppedSinceLastReport());
        }
        if (e.library() != null) {
            g.writeObjectFieldStart("library");
            g.writeStringField("name", e.library());
            stringIfSet(g, "version", e.libraryVersion());
            stringIfSet(g, "class", e.className());
            g.writeEndObject();
        }
        AgentCounters c = e.counters();
        if (c != null) {
            g.writeObjectFieldStart("stats");
            g.writeNumberField("exchanges", c.exchanges());
            g.writeNumberField("denied", c.denied());
            g.writeNumberField("dropped", c.dropped());
            g.writeNumberField("queue_depth", c.queueDepth());
            g.writeNumberField("spooled", c.spooled());
            g.writeNumberField("sink_errors", c.sinkErrors());
            g.writeNumberField("advice_errors", c.adviceErrors());
            g.writeEndObject();
        }
    }

    static void stringIfSet(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    static void writeChainObject(JsonGenerator g, ChainStamp chain) throws IOException {
        if (chain != null) {
            g.writeObjectFieldStart("chain");
            g.writeStringField("alg", chain.algorithm());
            g.writeStringField("run", chain.run());
            g.writeStringField("prev_hash", chain.prevHash());
            g.writeStringField(ChainStamp.HASH_KEY, ChainStamp.HASH_PLACEHOLDER);
            g.writeEndObject();
        }
    }
}
