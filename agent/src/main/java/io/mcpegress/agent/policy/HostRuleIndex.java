package io.mcpegress.agent.policy;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The positions, in file order, of the policy-file rules whose host condition can hold for one
 * host (rules without a host condition included). Deciding a call then tests only these rules:
 * every other rule fails on the host whatever the rest of the request is, so the first match, and
 * with it the decision, is the one a scan of all rules finds. Immutable; built for one set of
 * rules ({@link #rules}) and discarded when the policy file is reloaded. Hosts with the same
 * candidates share one array ({@link Lists}): most hosts match no host-specific rule, so a policy
 * of many rules without host conditions does not cost a copy of them per cached host.
 */
final class HostRuleIndex {

    /** The rule set this index was built for: an index of an older file is never used. */
    final Object rules;
    /** For a decision whose address is the host's own (an IP literal) or none (a name). */
    final int[] ownAddress;
    /** For a name decided with the address it resolved to: rules with IP or CIDR patterns may match too. */
    final int[] resolvedAddress;

    private HostRuleIndex(Object rules, int[] ownAddress, int[] resolvedAddress) {
        this.rules = rules;
        this.ownAddress = ownAddress;
        this.resolvedAddress = resolvedAddress;
    }

    static HostRuleIndex build(Object owner, Rule[] rules, CanonicalHost host, Lists lists) {
        int[] own = lists.shared(select(rules, host, false));
        if (host.isIp()) {
            return new HostRuleIndex(owner, own, own); // its address is its own, resolved or not
        }
        int[] resolved = select(rules, host, true);
        return new HostRuleIndex(owner, own, resolved.length == own.length ? own : lists.shared(resolved));
    }

    /** The distinct candidate lists of one rule set, shared by the hosts that have them; bounded. */
    static final class Lists {
        private static final int MAX = 1024;
        private final ConcurrentHashMap<Key, int[]> lists = new ConcurrentHashMap<>();

        int[] shared(int[] positions) {
            Key key = new Key(positions);
            int[] known = lists.get(key);
            if (known != null) {
                return known;
            }
            if (lists.size() >= MAX) {
                return positions; // unusually many distinct lists: still correct, just not shared
            }
            known = lists.putIfAbsent(key, positions);
            return known != null ? known : positions;
        }
    }

    private static final class Key {
        final int[] positions;
        final int hash;

        Key(int[] positions) {
            this.positions = positions;
            this.hash = Arrays.hashCode(positions);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key && Arrays.equals(positions, ((Key) o).positions);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static int[] select(Rule[] rules, CanonicalHost host, boolean anyAddress) {
        int[] picked = new int[rules.length];
        int n = 0;
        for (int i = 0; i < rules.length; i++) {
            if (rules[i].mayMatchHost(host, anyAddress)) {
                picked[n++] = i;
            }
        }
        if (n == picked.length) {
            return picked;
        }
        int[] out = new int[n];
        System.arraycopy(picked, 0, out, 0, n);
        return out;
    }
}
