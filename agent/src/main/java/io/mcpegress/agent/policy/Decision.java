package io.mcpegress.agent.policy;

import java.util.Locale;

/**
 * The outcome of one policy check: allowed or denied, what decided it and why. Decisions are built
 * once, when the policy is built (one or two per rule, a few constants), so deciding allocates
 * nothing. Immutable.
 */
public final class Decision {

    /** Why the call was allowed or denied; {@link #wireName()} is the value in audit events. */
    public enum Reason {
        /** A rule of the policy file matched. */
        RULE,
        /** Nothing matched: the policy file's default, or the implied deny of an allow list. */
        DEFAULT,
        /** An entry of {@code mcp.egress.allow} matched. */
        ALLOW_LIST,
        /** An entry of {@code mcp.egress.deny} matched. */
        DENY_LIST,
        /** A cloud metadata endpoint ({@code mcp.egress.block-metadata}). */
        METADATA,
        /** A loopback, private or link-local destination ({@code mcp.egress.block-private}). */
        PRIVATE_ADDRESS,
        /** A numeric host that HTTP stacks read as different addresses, e.g. {@code 0177.0.0.1}. */
        AMBIGUOUS_IP_LITERAL,
        /** A host that is neither a valid name nor an IP literal. */
        INVALID_HOST,
        /** The matching rule's rate limit is used up. */
        RATE_LIMIT;

        private final String wireName = name().toLowerCase(Locale.ROOT).replace('_', '-');

        /** Kept, not derived per call: every exchange's audit event carries it. */
        public String wireName() {
            return wireName;
        }
    }

    /** Rule set name of the built-in protections. */
    public static final String BUILTIN = "builtin";
    /** Rule set name of {@code mcp.egress.allow} / {@code mcp.egress.deny}. */
    public static final String CONFIG = "config";

    private final Action action;
    private final Reason reason;
    private final String rule;
    private final String ruleset;
    private final String message;

    Decision(Action action, Reason reason, String rule, String ruleset, String message) {
        this.action = action;
        this.reason = reason;
        this.rule = rule;
        this.ruleset = ruleset;
        this.message = message;
    }

    public boolean allowed() {
        return action == Action.ALLOW;
    }

    public boolean denied() {
        return action == Action.DENY;
    }

    public Action action() {
        return action;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * The rule that decided: its name in the policy file, the list entry as written
     * ({@code *.example.com:443}), or the built-in protection ({@code block-metadata}, ...);
     * {@code null} when a default decided.
     */
    public String rule() {
        return rule;
    }

    /** The rule set: its name in the policy file, {@link #CONFIG}, {@link #BUILTIN}, or {@code null}. */
    public String ruleset() {
        return ruleset;
    }

    /** One line for the operator, e.g. for the IOException of a denied call. */
    public String message() {
        return message;
    }

    @Override
    public String toString() {
        return action.wireName() + " (" + reason.wireName()
                + (rule == null ? "" : ", rule " + rule)
                + (ruleset == null ? "" : ", ruleset " + ruleset) + "): " + message;
    }
}
