package io.mcpegress.agent.audit;

/**
 * Anything the audit pipeline writes: an HTTP exchange ({@link AuditEvent}) or something the agent
 * reports about itself ({@link AgentEvent}: start, heartbeat, shutdown, dropped events, a library
 * it cannot instrument). Both travel the same queue, encoders and sinks, so a SIEM sees the agent's
 * own health in the same stream as the traffic it audits.
 */
public sealed interface AuditRecord permits AuditEvent, AgentEvent {

    /** When it happened (for an exchange: when it started), epoch milliseconds. */
    long epochMillis();
}
