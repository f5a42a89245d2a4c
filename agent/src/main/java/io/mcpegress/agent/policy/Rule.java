package io.mcpegress.agent.policy;

import java.util.Arrays;
import java.util.List;

/**
 * One compiled rule: what it matches, what it does, and its decisions, built here once so that a
 * match hands back a ready object. Every condition that is present must hold (AND); within one
 * condition any listed value may match (OR); an absent condition matches everything. Immutable.
 */
final class Rule {

    /** Tool condition meaning "inside any tool call". */
    static final String ANY_TOOL = "*";

    private final String name;
    private final String ruleset;
    private final Action action;
    private final HostPattern[] hosts;
    private final PortRange[] ports;
    private final String[] schemes;
    private final String[] methods;
    private final PathPrefix[] paths;
    private final String[] tools;
    private final boolean anyTool;
    private final RateLimit rateLimit;
    private final Decision decision;
    private final Decision rateLimited;

    Rule(String name, String ruleset, Action action, Decision.Reason reason, List<HostPattern> hosts,
         List<PortRange> ports, List<String> schemes, List<String> methods, List<PathPrefix> paths,
         List<String> tools, RateLimit rateLimit) {
        this.name = name;
        this.ruleset = ruleset;
        this.action = action;
        this.hosts = hosts.isEmpty() ? null : hosts.toArray(new HostPattern[0]);
        this.ports = ports.isEmpty() ? null : ports.toArray(new PortRange[0]);
        this.schemes = schemes.isEmpty() ? null : schemes.toArray(new String[0]);
        this.methods = methods.isEmpty() ? null : methods.toArray(new String[0]);
        this.paths = paths.isEmpty() ? null : paths.toArray(new PathPrefix[0]);
        this.anyTool = tools.contains(ANY_TOOL);
        this.tools = tools.isEmpty() ? null : tools.toArray(new String[0]);
        this.rateLimit = rateLimit;
        this.decision = new Decision(action, reason, name, ruleset, describe(action, reason, name, ruleset));
        this.rateLimited = rateLimit == null ? null : new Decision(Action.DENY, Decision.Reason.RATE_LIMIT, name, ruleset,
                "rate limit of rule '" + name + "' in ruleset '" + ruleset + "' exceeded (" + rateLimit + ")");
    }

    /** A rule from an {@code mcp.egress.allow} / {@code mcp.egress.deny} entry. */
    static Rule listEntry(HostPattern pattern, Action action) {
        Decision.Reason reason = action == Action.ALLOW ? Decision.Reason.ALLOW_LIST : Decision.Reason.DENY_LIST;
        return new Rule(pattern.toString(), Decision.CONFIG, action, reason, List.of(pattern),
                List.of(), List.of(), List.of(), List.of(), List.of(), null);
    }

    private static String describe(Action action, Decision.Reason reason, String name, String ruleset) {
        String verb = action == Action.ALLOW ? "allowed" : "denied";
        if (reason == Decision.Reason.ALLOW_LIST) {
            return verb + " by mcp.egress.allow entry '" + name + "'";
        }
        if (reason == Decision.Reason.DENY_LIST) {
            return verb + " by mcp.egress.deny entry '" + name + "'";
        }
        return verb + " by rule '" + name + "' in ruleset '" + ruleset + "'";
    }

    /**
     * @param port       the effective destination port, -1 when unknown
     * @param hasAddress whether hi/lo hold the destination address (IP literal or resolved)
     */
    boolean matches(PolicyRequest r, CanonicalHost host, int port, boolean hasAddress, long hi, long lo) {
        if (tools != null) {
            String tool = r.tool();
            // a rule scoped to tools never matches a call made outside any tool
            if (tool == null || !anyTool && !contains(tools, tool)) {
                return false;
            }
        }
        if (schemes != null && !containsIgnoreCase(schemes, r.scheme())) {
            return false;
        }
        if (methods != null && !containsIgnoreCase(methods, r.method())) {
            return false;
        }
        if (ports != null && !anyPort(port)) {
            return false;
        }
        if (hosts != null) {
            boolean embedded = action == Action.DENY; // unwrapping NAT64/6to4/Teredo may only deny more
            boolean any = false;
            for (HostPattern p : hosts) {
                if (p.matches(host, port, hasAddress, hi, lo, embedded)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return paths == null || pathMatches(r.path());
    }

    /**
     * Whether this rule's host condition can hold for the host, whatever the other conditions and
     * the port: {@code false} only when {@link #matches} is {@code false} for every request to it.
     * The per-host rule index of {@link Policy} is built from this.
     *
     * @param anyAddress the decision may carry an address not known now (a name resolved at connect
     *                   time): a rule with an IP or CIDR pattern may then match
     */
    boolean mayMatchHost(CanonicalHost host, boolean anyAddress) {
        if (hosts == null) {
            return true;
        }
        boolean embedded = action == Action.DENY;
        for (HostPattern p : hosts) {
            if (anyAddress && p.kind() == HostPattern.Kind.CIDR
                    || p.matchesHost(host, host.isIp(), host.high(), host.low(), embedded)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a host pattern naming exactly this host or address matches: lifts block-private. */
    boolean matchesHostExactly(CanonicalHost host, int port, boolean hasAddress, long hi, long lo) {
        if (hosts == null) {
            return false;
        }
        for (HostPattern p : hosts) {
            if (p.isExact() && p.matches(host, port, hasAddress, hi, lo, false)) {
                return true;
            }
        }
        return false;
    }

    private boolean pathMatches(String rawPath) {
        String path = PathPrefix.normalize(rawPath);
        for (PathPrefix p : paths) {
            if (p.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyPort(int port) {
        for (PortRange p : ports) {
            if (p.contains(port)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(String[] values, String v) {
        for (String s : values) {
            if (s.equals(v)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsIgnoreCase(String[] values, String v) {
        if (v == null) {
            return false;
        }
        for (String s : values) {
            if (s.equalsIgnoreCase(v)) {
                return true;
            }
        }
        return false;
    }

    String name() {
        return name;
    }

    String ruleset() {
        return ruleset;
    }

    Action action() {
        return action;
    }

    RateLimit rateLimit() {
        return rateLimit;
    }

    Decision decision() {
        return decision;
    }

    Decision rateLimited() {
        return rateLimited;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(action.wireName()).append(' ').append(name);
        append(sb, "hosts", hosts);
        append(sb, "ports", ports);
        append(sb, "schemes", schemes);
        append(sb, "methods", methods);
        append(sb, "paths", paths);
        append(sb, "tools", tools);
        if (rateLimit != null) {
            sb.append(" rate_limit=").append(rateLimit);
        }
        return sb.toString();
    }

    private static void append(StringBuilder sb, String field, Object[] values) {
        if (values != null) {
            sb.append(' ').append(field).append('=').append(Arrays.toString(values));
        }
    }
}
