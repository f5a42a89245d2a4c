package io.mcpegress.agent.policy;

import java.util.Locale;

/**
 * A request host reduced to the one form the policy matches on: a lower-case ASCII name without
 * trailing dot, or an IP address, or the verdict that it is neither. Built by
 * {@link HostCanonicalizer}; immutable, cached by the policy per raw host string. The one mutable
 * field is a memo: the policy keeps on each host it caches which policy-file rules can match it.
 */
public final class CanonicalHost {

    public enum Kind {
        /** A DNS name (lower case, ASCII, no trailing dot). */
        NAME,
        /** An IP literal in any accepted encoding. */
        IP,
        /** Numeric-looking but not one address all parsers agree on (e.g. {@code 0177.0.0.1}). */
        AMBIGUOUS,
        /** Neither a valid name nor an IP literal (empty, bad characters, bad escapes). */
        INVALID
    }

    static final CanonicalHost INVALID = new CanonicalHost(Kind.INVALID, "", null);
    static final CanonicalHost AMBIGUOUS = new CanonicalHost(Kind.AMBIGUOUS, "", null);

    private final Kind kind;
    private final String text;
    private final IpLiteral ip;
    private final long hi;
    private final long lo;
    private final boolean metadataName;
    private final boolean privateName;
    /** Set only by {@link Policy} on hosts in its bounded cache; replaced when the policy file is reloaded. */
    private volatile HostRuleIndex ruleIndex;

    private CanonicalHost(Kind kind, String text, IpLiteral ip) {
        this.kind = kind;
        this.text = text;
        this.ip = ip;
        this.hi = ip == null ? 0 : ip.high();
        this.lo = ip == null ? 0 : ip.low();
        this.metadataName = kind == Kind.NAME && HostCanonicalizer.isMetadataName(text);
        this.privateName = kind == Kind.NAME && HostCanonicalizer.isLoopbackName(text);
    }

    static CanonicalHost name(String name) {
        return new CanonicalHost(Kind.NAME, name, null);
    }

    static CanonicalHost ip(IpLiteral ip) {
        return new CanonicalHost(Kind.IP, ip.toString(), ip);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isName() {
        return kind == Kind.NAME;
    }

    public boolean isIp() {
        return kind == Kind.IP;
    }

    /** The canonical name or IP text (dotted quad, RFC 5952 IPv6); empty when ambiguous or invalid. */
    public String text() {
        return text;
    }

    /** The address for {@link Kind#IP}, else {@code null}. */
    public IpLiteral ip() {
        return ip;
    }

    long high() {
        return hi;
    }

    long low() {
        return lo;
    }

    HostRuleIndex ruleIndex() {
        return ruleIndex;
    }

    void ruleIndex(HostRuleIndex index) {
        this.ruleIndex = index;
    }

    /** A well-known metadata host name such as {@code metadata.google.internal}. */
    public boolean isMetadataName() {
        return metadataName;
    }

    /** {@code localhost} and names under {@code .localhost} (RFC 6761: always loopback). */
    public boolean isLoopbackName() {
        return privateName;
    }

    @Override
    public String toString() {
        return kind == Kind.NAME || kind == Kind.IP ? text : kind.name().toLowerCase(Locale.ROOT);
    }
}
