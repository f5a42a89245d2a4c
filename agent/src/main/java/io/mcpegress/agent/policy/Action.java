package io.mcpegress.agent.policy;

import java.util.Locale;

/** What a rule, an allow or deny list entry, or the default does with a call. */
public enum Action {
    ALLOW, DENY;

    /** {@code allow} / {@code deny}, as written in policy files and audit events. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code null} for anything but allow/deny (any case). */
    static Action parse(String text) {
        if ("allow".equalsIgnoreCase(text)) {
            return ALLOW;
        }
        if ("deny".equalsIgnoreCase(text)) {
            return DENY;
        }
        return null;
    }
}
