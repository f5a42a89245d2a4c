package io.mcpegress.bootstrap;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Thrown into the application when the egress policy denies a call in enforce mode. The one
 * deliberate failure the agent causes; an IOException, so callers handle it like any network
 * failure. The message names the agent, the destination and the rule.
 */
public class EgressDeniedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String rule;
    private final String reason;
    private final String ruleset;
    private final boolean late;

    public EgressDeniedException(String message, String rule, String reason) {
        this(message, rule, null, reason, false);
    }

    /**
     * @param late true when the call had been allowed when its exchange started and was denied
     *             later: by the socket guard at connect time (the resolved address decided), or by
     *             the host its {@code Host} header names
     */
    public EgressDeniedException(String message, String rule, String ruleset, String reason, boolean late) {
        super(message);
        this.rule = rule;
        this.ruleset = ruleset;
        this.reason = reason;
        this.late = late;
    }

    /** Name of the rule that denied the call. */
    public String rule() {
        return rule;
    }

    /** Why: {@code rule}, {@code default}, {@code metadata}, {@code private-address}, {@code rate-limit}, ... */
    public String reason() {
        return reason;
    }

    /** The rule set of {@link #rule()}, or {@code null} when not known. */
    public String ruleset() {
        return ruleset;
    }

    /**
     * True for a denial of a call its exchange had already allowed (at connect time, or by its
     * {@code Host} header): the exchange records it as denied when it ends with this failure.
     */
    public boolean late() {
        return late;
    }

    /**
     * The late (connect-time, Host header) denial among {@code t} and its causes (libraries wrap it, e.g. in a
     * ConnectException), or {@code null}.
     */
    public static EgressDeniedException lateDenial(Throwable t) {
        Throwable e = t;
        for (int i = 0; e != null && i < 8; i++, e = e.getCause()) {
            if (e instanceof EgressDeniedException && ((EgressDeniedException) e).late) {
                return (EgressDeniedException) e;
            }
        }
        return null;
    }

    /**
     * A future that completes like {@code f}, except that a failure caused by a connect-time
     * denial fails with the denial itself: a library then neither retries it as a connect failure
     * nor hides it in a ConnectException.
     */
    public static <T> CompletableFuture<T> surfacingConnectDenial(CompletableFuture<T> f) {
        CompletableFuture<T> out = new CompletableFuture<>();
        f.whenComplete((value, error) -> {
            if (error == null) {
                out.complete(value);
            } else {
                EgressDeniedException denied = lateDenial(error);
                out.completeExceptionally(denied != null ? denied : error);
            }
        });
        return out;
    }
}
