package io.mcpegress.agent.audit;

/**
 * The agent's running totals, carried by heartbeat, dropped and shutdown events so a SIEM rule can
 * alert on a silent agent, on denials or on lost events.
 *
 * @param exchanges    HTTP exchanges audited since start
 * @param denied       of those, denied by the policy (enforced or, in monitor mode, would-deny)
 * @param dropped      events lost: queue or spool full, or every sink failed for them
 * @param queueDepth   events waiting in the in-memory queue right now
 * @param spooled      events waiting in the on-disk spool right now
 * @param sinkErrors   failed sink writes and flushes
 * @param adviceErrors failures inside the agent's own hooks, swallowed so the application ran on
 */
public record AgentCounters(long exchanges, long denied, long dropped, long queueDepth, long spooled,
                            long sinkErrors, long adviceErrors) {
}
