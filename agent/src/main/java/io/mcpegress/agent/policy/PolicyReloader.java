package io.mcpegress.agent.policy;

import io.mcpegress.agent.audit.AgentEvent;
import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.util.AgentLog;
import io.mcpegress.agent.util.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Watches the policy file and applies a changed one without a restart, so security teams can
 * tighten egress on a running MCP server. Every change leaves a {@code config-reload} event: applied
 * (with the SHA-256 of the new file), or rejected with the parse error and its line number, in which
 * case the previous rules stay in force. Checks the file's content hash every interval on a daemon
 * thread; an edit that does not change the content is no reload.
 */
public final class PolicyReloader {

    private final Policy policy;
    private final Path file;
    private final long intervalMillis;
    private final AuditPipeline pipeline;
    private final Thread thread;
    private String appliedHash;
    /** The file as it was at start, hashed by the first check: SHA-256's JCA set-up is not premain's wait. */
    private byte[] startContent;

    public PolicyReloader(Policy policy, Path file, long intervalMillis, AuditPipeline pipeline) {
        this.policy = policy;
        this.file = file;
        this.intervalMillis = intervalMillis;
        this.pipeline = pipeline;
        this.startContent = read(file);
        this.thread = new Thread(this::run, "mcp-egress-policy-reload");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (true) {
            try {
                Thread.sleep(intervalMillis);
                checkOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                AgentLog.warnOnce("policy-reload", "policy reload check failed: " + e);
            }
        }
    }

    /** Applies the file if its content changed; visible for tests. */
    void checkOnce() {
        if (startContent != null) {
            appliedHash = Sha256.hex(startContent);
            startContent = null;
        }
        String current = hash(file);
        if (current == null || current.equals(appliedHash)) {
            return; // unchanged, or being replaced right now (missing): look again next time
        }
        try {
            policy.replacePolicyFile(PolicyFile.load(file));
            appliedHash = current;
            AgentLog.info("policy file " + file + " changed: reloaded (sha256 " + current + ")");
            pipeline.offer(AgentEvent.configReload(current, true, "policy file " + file + " reloaded"));
        } catch (ConfigException e) {
            appliedHash = current; // report a broken file once, not every interval
            AgentLog.warn("policy file " + file + " changed but is invalid, the previous rules stay in force: "
                    + e.getMessage());
            pipeline.offer(AgentEvent.configReload(current, false, "policy file " + file
                    + " rejected, previous rules stay in force: " + e.getMessage()));
        }
    }

    private static String hash(Path file) {
        byte[] content = read(file);
        return content == null ? null : Sha256.hex(content);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }
}
