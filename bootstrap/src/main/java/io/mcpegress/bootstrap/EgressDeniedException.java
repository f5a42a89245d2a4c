package io.mcpegress.bootstrap;

import java.io.IOException;

/**
 * Thrown into the application when the egress policy denies a call in enforce mode. The one
 * deliberate failure the agent causes; an IOException, so callers handle it like any network
 * failure. The message names the agent, the destination and the rule.
 */
public class EgressDeniedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String rule;
    private final String reason;

    public EgressDeniedException(String message, String rule, String reason) {
        super(message);
        this.rule = rule;
        this.reason = reason;
    }

    /** Name of the rule that denied the call. */
    public String rule() {
        return rule;
    }

    /** Why: {@code rule}, {@code default}, {@code metadata}, {@code private-address}, {@code rate-limit}, ... */
    public String reason() {
        return reason;
    }
}
