package io.mcpegress.agent.policy;

import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigKey;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The egress policy: decides whether one outbound call may leave the process. Evaluated in this
 * order, the first step that decides wins:
 * <ol>
 *   <li>hosts that are not a valid name or IP, and ambiguous numeric hosts: always denied;</li>
 *   <li>{@code mcp.egress.block-metadata} (on by default): cloud metadata names and addresses;</li>
 *   <li>{@code mcp.egress.block-private} (off by default): loopback, private, link-local and
 *       similar destinations, unless the call is allowed by an allow-list entry or allow rule that
 *       names exactly this host or address;</li>
 *   <li>{@code mcp.egress.deny}: listed destinations are denied;</li>
 *   <li>{@code mcp.egress.allow}, when set: destinations not on it are denied;</li>
 *   <li>the policy file ({@code mcp.egress.policy}): its first matching rule, else its default,
 *       and then the matching rule's rate limit;</li>
 *   <li>with no policy file: allowed.</li>
 * </ol>
 * The lists are a fence around the policy file: a call must get past both. Thread-safe; deciding
 * a call to a host seen before allocates nothing (the decisions are built with the policy).
 *
 * <p>The policy file's rules are not all tested: each host in the bounded host cache keeps the
 * positions of the rules whose host condition can match it ({@link HostRuleIndex}), built on its
 * first decision after a (re)load, and only those are tested, in file order. Hosts beyond the
 * cache are decided by testing every rule. Either way the first matching rule is the same.
 */
public final class Policy {

    /** Canonical forms of at most this many distinct raw hosts are kept; beyond it they are recomputed. */
    static final int HOST_CACHE_SIZE = 4096;

    private static final Decision INVALID_HOST = new Decision(Action.DENY, Decision.Reason.INVALID_HOST,
            "invalid-host", Decision.BUILTIN, "the host is neither a valid name nor an IP literal");
    private static final Decision AMBIGUOUS = new Decision(Action.DENY, Decision.Reason.AMBIGUOUS_IP_LITERAL,
            "ambiguous-ip-literal", Decision.BUILTIN,
            "numeric host that HTTP stacks read as different addresses (leading zeros, overflow or malformed IPv4)");
    private static final Decision METADATA = new Decision(Action.DENY, Decision.Reason.METADATA,
            "block-metadata", Decision.BUILTIN,
            "cloud metadata endpoint (" + ConfigKey.BLOCK_METADATA.key() + ")");
    private static final Decision PRIVATE = new Decision(Action.DENY, Decision.Reason.PRIVATE_ADDRESS,
            "block-private", Decision.BUILTIN,
            "loopback, private or link-local destination (" + ConfigKey.BLOCK_PRIVATE.key()
                    + "); an allow entry for this exact host or IP lifts it");
    private static final Decision NOT_ON_ALLOW_LIST = new Decision(Action.DENY, Decision.Reason.DEFAULT,
            null, Decision.CONFIG, "not on " + ConfigKey.ALLOW.key() + ", and an allow list denies everything else");
    private static final Decision DEFAULT_ALLOW = new Decision(Action.ALLOW, Decision.Reason.DEFAULT,
            null, null, "no egress rule applies; allowed by default");

    private final boolean blockMetadata;
    private final boolean blockPrivate;
    private final Rule[] denyList;
    private final Rule[] allowList;
    /** The policy file's part, replaced as a whole when the file is reloaded; null without a file. */
    private volatile FileRules fileRules;
    private final LongSupplier nanoClock;
    private final boolean indexRules;
    private final ConcurrentHashMap<String, CanonicalHost> hostCache = new ConcurrentHashMap<>();

    private Policy(Builder b) {
        this.blockMetadata = b.blockMetadata;
        this.blockPrivate = b.blockPrivate;
        this.denyList = b.denyList;
        this.allowList = b.allowList;
        this.nanoClock = b.nanoClock;
        this.indexRules = b.indexRules;
        this.fileRules = b.file == null ? null : new FileRules(b.file, nanoClock.getAsLong());
    }

    /** A policy file's rules with their rate limiters: one immutable unit, so a reload is one write. */
    private static final class FileRules {
        final PolicyFile file;
        final Rule[] rules;
        final RateLimiter[] limiters;
        final HostRuleIndex.Lists candidateLists = new HostRuleIndex.Lists();

        FileRules(PolicyFile file, long now) {
            this.file = file;
            this.rules = file.rules().toArray(new Rule[0]);
            this.limiters = new RateLimiter[rules.length];
            for (int i = 0; i < rules.length; i++) {
                RateLimit limit = rules[i].rateLimit();
                limiters[i] = limit == null ? null : new RateLimiter(limit, now);
            }
        }

        /**
         * The rules that can match a cached host, from the index kept on it (built now when it is
         * missing or was built for other rules).
         *
         * @param resolvedName the host is a name decided with the address it resolved to
         */
        int[] candidates(CanonicalHost host, boolean resolvedName) {
            HostRuleIndex index = host.ruleIndex();
            if (index == null || index.rules != this) {
                index = HostRuleIndex.build(this, rules, host, candidateLists);
                host.ruleIndex(index);
            }
            return resolvedName ? index.resolvedAddress : index.ownAddress;
        }
    }

    /**
     * Applies a changed policy file: calls decided from now on use its rules (rate limits start
     * afresh). Only a policy that started with a file can reload one; the lists and built-in
     * protections come from the configuration and stay as they are.
     */
    public void replacePolicyFile(PolicyFile file) {
        if (fileRules == null) {
            throw new IllegalStateException("this policy has no policy file");
        }
        fileRules = new FileRules(Objects.requireNonNull(file, "file"), nanoClock.getAsLong());
    }

    /**
     * The policy configured by {@code mcp.egress.allow}, {@code mcp.egress.deny},
     * {@code mcp.egress.policy}, {@code mcp.egress.block-metadata} and {@code mcp.egress.block-private}.
     *
     * @throws ConfigException with a one-line message naming the key, for any invalid value or file
     */
    public static Policy fromConfig(AgentConfig config) {
        return fromConfig(config, null);
    }

    /**
     * Like {@link #fromConfig(AgentConfig)}, with the policy file's document tree kept in (and
     * taken from) the start-up cache.
     *
     * @param cache the start-up cache, or null
     */
    public static Policy fromConfig(AgentConfig config, PolicyFileCache.Store cache) {
        Builder b = builder()
                .blockMetadata(bool(config, ConfigKey.BLOCK_METADATA))
                .blockPrivate(bool(config, ConfigKey.BLOCK_PRIVATE))
                .allow(config.value(ConfigKey.ALLOW))
                .deny(config.value(ConfigKey.DENY));
        String file = config.value(ConfigKey.POLICY_FILE);
        if (file != null && !file.isBlank()) {
            Path path;
            try {
                path = Path.of(file.trim());
            } catch (InvalidPathException e) {
                throw ConfigException.invalid(ConfigKey.POLICY_FILE.key(), file, ConfigKey.POLICY_FILE.expected());
            }
            b.policyFile(PolicyFile.load(path, cache));
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decides a call when it is made. Uses {@link PolicyRequest#address()} too when set, and takes a
     * token from the matching rule's rate limit when the call is allowed.
     */
    public Decision decide(PolicyRequest request) {
        return evaluate(request, request.address(), true);
    }

    /**
     * Decides again at connect time, with the address the host resolved to: catches names that
     * resolve to metadata or private addresses (DNS rebinding included) and applies IP and CIDR
     * rules to named hosts. Takes no rate-limit token: {@link #decide} counted the call already.
     */
    public Decision decideResolved(PolicyRequest request, InetAddress resolved) {
        return evaluate(request, Objects.requireNonNull(resolved, "resolved"), false);
    }

    /**
     * Decides an additional aspect of a call {@link #decide} already counted (e.g. the host its
     * {@code Host} header names): like {@link #decide}, but takes no rate-limit token.
     */
    public Decision decideUncounted(PolicyRequest request) {
        return evaluate(request, request.address(), false);
    }

    /** The canonical form of a raw host, from the policy's bounded cache. */
    public CanonicalHost canonicalHost(String host) {
        if (host == null) {
            return CanonicalHost.INVALID;
        }
        CanonicalHost h = hostCache.get(host);
        return h != null ? h : canonicalizeAndCache(host);
    }

    private CanonicalHost canonicalizeAndCache(String host) {
        CanonicalHost h;
        try {
            h = HostCanonicalizer.canonicalize(host);
        } catch (RuntimeException e) {
            h = CanonicalHost.INVALID; // a host we cannot read is denied, never waved through
        }
        if (hostCache.size() < HOST_CACHE_SIZE) {
            CanonicalHost raced = hostCache.putIfAbsent(host, h);
            if (raced != null) {
                h = raced; // another thread cached it first: share that one (and its rule index)
            }
        }
        return h;
    }

    private Decision evaluate(PolicyRequest r, InetAddress resolved, boolean countRate) {
        String raw = r.host();
        CanonicalHost h = raw == null ? CanonicalHost.INVALID : hostCache.get(raw);
        // only hosts held by the bounded cache keep a rule index: a flood of distinct hosts costs no memory
        boolean indexed = indexRules && h != null;
        if (h == null) {
            h = canonicalizeAndCache(raw);
            indexed = indexRules && hostCache.get(raw) == h;
        }
        if (h.kind() == CanonicalHost.Kind.INVALID) {
            return INVALID_HOST;
        }
        if (h.kind() == CanonicalHost.Kind.AMBIGUOUS) {
            return AMBIGUOUS;
        }
        boolean hasAddress = h.isIp();
        long hi = h.high();
        long lo = h.low();
        boolean resolvedMetadata = false;
        boolean resolvedPrivate = false;
        if (resolved != null) {
            long rhi;
            long rlo;
            if (resolved instanceof Inet4Address) {
                // hashCode() is the address itself (pinned by a test): no getAddress() copy on this path
                rhi = 0;
                rlo = (IpLiteral.V4_MAPPED_HIGH_BITS << 32) | (resolved.hashCode() & 0xFFFF_FFFFL);
            } else {
                byte[] b = resolved.getAddress();
                rhi = bits(b, 0);
                rlo = bits(b, 8);
            }
            resolvedMetadata = Addresses.isMetadata(rhi, rlo);
            resolvedPrivate = Addresses.isPrivate(rhi, rlo);
            if (!hasAddress) {
                hasAddress = true;
                hi = rhi;
                lo = rlo;
            }
        }
        if (blockMetadata && (h.isMetadataName() || h.isIp() && Addresses.isMetadata(h.high(), h.low()) || resolvedMetadata)) {
            return METADATA;
        }
        boolean isPrivate = blockPrivate
                && (h.isLoopbackName() || h.isIp() && Addresses.isPrivate(h.high(), h.low()) || resolvedPrivate);
        int port = r.effectivePort();

        if (denyList != null) {
            int d = firstMatch(denyList, r, h, port, hasAddress, hi, lo);
            if (d >= 0) {
                return isPrivate ? PRIVATE : denyList[d].decision();
            }
        }
        Rule allowedBy = null;
        if (allowList != null) {
            int a = firstMatch(allowList, r, h, port, hasAddress, hi, lo);
            if (a < 0) {
                return isPrivate ? PRIVATE : NOT_ON_ALLOW_LIST;
            }
            allowedBy = allowList[a];
        }
        int f = -1;
        FileRules fr = fileRules; // read once: a reload in the middle of a decision must not mix two files
        Rule[] fileRules = fr == null ? null : fr.rules;
        if (fileRules != null) {
            f = indexed
                    ? firstMatch(fileRules, fr.candidates(h, resolved != null && !h.isIp()), r, h, port, hasAddress, hi, lo)
                    : firstMatch(fileRules, r, h, port, hasAddress, hi, lo);
            if (f < 0 ? fr.file.defaultAction() == Action.DENY : fileRules[f].action() == Action.DENY) {
                return isPrivate ? PRIVATE : f < 0 ? fr.file.defaultDecision() : fileRules[f].decision();
            }
        }
        if (isPrivate
                && !(allowedBy != null && allowedBy.matchesHostExactly(h, port, hasAddress, hi, lo))
                && !(f >= 0 && fileRules[f].matchesHostExactly(h, port, hasAddress, hi, lo))) {
            return PRIVATE; // only an allow naming exactly this host or address lifts block-private
        }
        if (f >= 0) {
            RateLimiter limiter = fr.limiters[f];
            if (countRate && limiter != null && !limiter.tryAcquire(h.text(), r.tool(), nanoClock.getAsLong())) {
                return fileRules[f].rateLimited();
            }
            return fileRules[f].decision();
        }
        if (allowedBy != null) {
            return allowedBy.decision();
        }
        return fr != null ? fr.file.defaultDecision() : DEFAULT_ALLOW;
    }

    private static int firstMatch(Rule[] rules, PolicyRequest r, CanonicalHost h, int port, boolean hasAddress,
                                  long hi, long lo) {
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].matches(r, h, port, hasAddress, hi, lo)) {
                return i;
            }
        }
        return -1;
    }

    /** {@link #firstMatch(Rule[], PolicyRequest, CanonicalHost, int, boolean, long, long)} over the given positions only. */
    private static int firstMatch(Rule[] rules, int[] candidates, PolicyRequest r, CanonicalHost h, int port,
                                  boolean hasAddress, long hi, long lo) {
        for (int i : candidates) {
            if (rules[i].matches(r, h, port, hasAddress, hi, lo)) {
                return i;
            }
        }
        return -1;
    }

    private static long bits(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    public boolean blocksMetadata() {
        return blockMetadata;
    }

    public boolean blocksPrivate() {
        return blockPrivate;
    }

    /** The policy in a few lines, for the doctor command and debug logs. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("block-metadata=").append(blockMetadata).append(", block-private=").append(blockPrivate).append('\n');
        if (denyList != null) {
            sb.append("deny list: ").append(names(denyList)).append('\n');
        }
        if (allowList != null) {
            sb.append("allow list: ").append(names(allowList)).append(" (everything else denied)\n");
        }
        FileRules fr = fileRules;
        if (fr != null) {
            sb.append("policy file: ").append(fr.file).append('\n');
            for (Rule rule : fr.rules) {
                sb.append("  [").append(rule.ruleset()).append("] ").append(rule).append('\n');
            }
        }
        return sb.toString();
    }

    private static List<String> names(Rule[] rules) {
        List<String> out = new ArrayList<>();
        for (Rule r : rules) {
            out.add(r.name());
        }
        return out;
    }

    @Override
    public String toString() {
        return describe().trim().replace('\n', ';');
    }

    private static boolean bool(AgentConfig config, ConfigKey key) {
        String v = config.value(key);
        String t = v == null ? "" : v.trim().toLowerCase(Locale.ROOT);
        if (t.equals("true")) {
            return true;
        }
        if (t.equals("false")) {
            return false;
        }
        throw ConfigException.invalid(key.key(), String.valueOf(v), key.expected());
    }

    /** Builds a policy; {@link #fromConfig} is the usual way. Defaults: block-metadata on, nothing else. */
    public static final class Builder {
        private boolean blockMetadata = true;
        private boolean blockPrivate;
        private Rule[] denyList;
        private Rule[] allowList;
        private PolicyFile file;
        private LongSupplier nanoClock = System::nanoTime;
        private boolean indexRules = true;

        private Builder() {
        }

        public Builder blockMetadata(boolean on) {
            this.blockMetadata = on;
            return this;
        }

        public Builder blockPrivate(boolean on) {
            this.blockPrivate = on;
            return this;
        }

        /**
         * The {@code mcp.egress.allow} comma list; {@code null} or blank for none.
         *
         * @throws ConfigException naming {@code mcp.egress.allow} and the bad entry
         */
        public Builder allow(String commaList) {
            this.allowList = list(commaList, ConfigKey.ALLOW, Action.ALLOW);
            return this;
        }

        /** The {@code mcp.egress.deny} comma list; {@code null} or blank for none. */
        public Builder deny(String commaList) {
            this.denyList = list(commaList, ConfigKey.DENY, Action.DENY);
            return this;
        }

        public Builder policyFile(PolicyFile policyFile) {
            this.file = policyFile;
            return this;
        }

        /** Off: every decision tests every policy-file rule (the reference the index is tested against). */
        Builder indexRules(boolean on) {
            this.indexRules = on;
            return this;
        }

        /** For tests of rate limits: a clock in nanoseconds, like {@link System#nanoTime()}. */
        Builder nanoClock(LongSupplier clock) {
            this.nanoClock = clock;
            return this;
        }

        public Policy build() {
            return new Policy(this);
        }

        private static Rule[] list(String commaList, ConfigKey key, Action action) {
            if (commaList == null || commaList.isBlank()) {
                return null;
            }
            List<Rule> rules = new ArrayList<>();
            for (String raw : commaList.split(",")) {
                String entry = raw.trim();
                if (entry.isEmpty()) {
                    continue;
                }
                try {
                    rules.add(Rule.listEntry(HostPattern.parse(entry), action));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(key.key() + " entry '" + entry + "' is invalid: expected " + key.expected());
                }
            }
            return rules.isEmpty() ? null : rules.toArray(new Rule[0]);
        }
    }
}
