package io.mcpegress.agent.policy;

import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigKey;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy file named by {@code mcp.egress.policy}: rule sets of named rules, a default action,
 * rate limits. The format is in docs/policy.md. Read with SnakeYAML's node API so that every error
 * names its line; unknown fields are errors, never ignored (a misspelt {@code hosts} would otherwise
 * silently widen a rule). Immutable once parsed.
 */
public final class PolicyFile {

    private static final String KEY = ConfigKey.POLICY_FILE.key();
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]*");
    private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z0-9_-]*");

    private final String source;
    private final Action defaultAction;
    private final List<String> rulesets;
    private final List<Rule> rules;
    private final Decision defaultDecision;

    private PolicyFile(String source, Action defaultAction, List<String> rulesets, List<Rule> rules) {
        this.source = source;
        this.defaultAction = defaultAction;
        this.rulesets = List.copyOf(rulesets);
        this.rules = List.copyOf(rules);
        this.defaultDecision = new Decision(defaultAction, Decision.Reason.DEFAULT, null, null,
                "no rule of the policy file matched; its default is " + defaultAction.wireName());
    }

    /** @throws ConfigException naming {@code mcp.egress.policy}, the file, the line and what was expected */
    public static PolicyFile load(Path file) {
        return load(file, null);
    }

    /**
     * Like {@link #load(Path)}, taking the document tree from {@code cache} when it holds one for
     * exactly these bytes, and storing it there after a successful read otherwise.
     *
     * @param cache the start-up cache, or null
     */
    public static PolicyFile load(Path file, PolicyFileCache.Store cache) {
        byte[] bytes;
        String text;
        try {
            bytes = Files.readAllBytes(file);
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (IOException | RuntimeException e) {
            throw ConfigException.invalid(KEY, file.toString(), "path to a readable YAML policy file (" + e + ")");
        }
        Reader reader = new Reader(file.toString());
        PolicyTree tree = cache == null ? null : PolicyFileCache.lookup(cache, bytes);
        if (tree != null) {
            return reader.read(tree);
        }
        tree = reader.compose(text);
        PolicyFile policy = reader.read(tree);
        if (cache != null) {
            PolicyFileCache.store(cache, bytes, tree); // only a valid policy is kept
        }
        return policy;
    }

    /**
     * @param source the file name, for messages
     * @throws ConfigException naming {@code mcp.egress.policy}, the source, the line and what was expected
     */
    public static PolicyFile parse(String yaml, String source) {
        Reader reader = new Reader(source);
        return reader.read(reader.compose(yaml));
    }

    /** The document tree of {@code yaml}, as {@link #load} stores it (for tests). */
    static PolicyTree tree(String yaml, String source) {
        return new Reader(source).compose(yaml);
    }

    public Action defaultAction() {
        return defaultAction;
    }

    public List<String> rulesetNames() {
        return rulesets;
    }

    public int ruleCount() {
        return rules.size();
    }

    public String source() {
        return source;
    }

    List<Rule> rules() {
        return rules;
    }

    Decision defaultDecision() {
        return defaultDecision;
    }

    @Override
    public String toString() {
        return source + " (" + rules.size() + " rules in " + rulesets.size() + " rulesets, default "
                + defaultAction.wireName() + ")";
    }

    /** A mapping's field: its key (for the line of errors about the key) and its value. */
    private record Field(PolicyTree key, PolicyTree value) {
    }

    /** Walks the document tree; every error carries the line of the node it is about. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        /** The document's tree; a YAML error names its line. */
        PolicyTree compose(String yaml) {
            return PolicyYaml.compose(yaml, source);
        }

        PolicyFile read(PolicyTree root) {
            Map<String, Field> top = fields(root, "the policy", "version", "description", "default", "rulesets");
            if (top.containsKey("version")) {
                PolicyTree v = top.get("version").value();
                if (!"1".equals(scalar(v, "version"))) {
                    throw fail(v, "version '" + scalar(v, "version") + "' is not supported", "1");
                }
            }
            Field def = top.get("default");
            if (def == null) {
                throw fail(root, "missing 'default'", "default: allow or default: deny at the top level");
            }
            Action defaultAction = action(def.value(), "default");
            List<String> rulesetNames = new ArrayList<>();
            List<Rule> rules = new ArrayList<>();
            Field rs = top.get("rulesets");
            if (rs != null) {
                for (PolicyTree set : sequence(rs.value(), "rulesets")) {
                    readRuleset(set, rulesetNames, rules);
                }
            }
            return new PolicyFile(source, defaultAction, rulesetNames, rules);
        }

        private void readRuleset(PolicyTree node, List<String> rulesetNames, List<Rule> rules) {
            Map<String, Field> f = fields(node, "a ruleset", "name", "description", "rules");
            String name = required(node, f, "name", "a ruleset");
            if (rulesetNames.contains(name)) {
                throw fail(f.get("name").value(), "ruleset name '" + name + "' is used twice", "unique ruleset names");
            }
            rulesetNames.add(name);
            Field list = f.get("rules");
            if (list == null) {
                return;
            }
            Set<String> ruleNames = new HashSet<>();
            for (PolicyTree r : sequence(list.value(), "rules")) {
                Rule rule = readRule(r, name);
                if (!ruleNames.add(rule.name())) {
                    throw fail(r, "rule name '" + rule.name() + "' is used twice in ruleset '" + name + "'",
                            "unique rule names within a ruleset");
                }
                rules.add(rule);
            }
        }

        private Rule readRule(PolicyTree node, String ruleset) {
            Map<String, Field> f = fields(node, "a rule", "name", "description", "action", "match", "rate_limit");
            String name = required(node, f, "name", "a rule");
            if (!f.containsKey("action")) {
                throw fail(node, "rule '" + name + "' has no 'action'", "action: allow or action: deny");
            }
            Action action = action(f.get("action").value(), "action");
            List<HostPattern> hosts = List.of();
            List<PortRange> ports = List.of();
            List<String> schemes = List.of();
            List<String> methods = List.of();
            List<PathPrefix> paths = List.of();
            List<String> tools = List.of();
            Field match = f.get("match");
            if (match != null) {
                Map<String, Field> m = fields(match.value(), "match",
                        "hosts", "ports", "schemes", "methods", "paths", "tools");
                hosts = values(m, "hosts", HostPattern::parse,
                        "host, *.suffix, IP or CIDR, each with optional :port ([IPv6]:port)");
                ports = values(m, "ports", PortRange::parse, "a port 1-65535 or a range like 8000-8999");
                schemes = values(m, "schemes", s -> checked(s.toLowerCase(Locale.ROOT), SCHEME), "a URL scheme such as https");
                methods = values(m, "methods", s -> checked(s.toUpperCase(Locale.ROOT), METHOD), "an HTTP method such as GET");
                paths = values(m, "paths", PathPrefix::parse, "a path prefix starting with '/'");
                tools = values(m, "tools", s -> {
                    if (s.isBlank()) {
                        throw new IllegalArgumentException(s);
                    }
                    return s;
                }, "an MCP tool name, or \"*\" for any tool");
            }
            RateLimit limit = null;
            Field rl = f.get("rate_limit");
            if (rl != null) {
                if (action != Action.ALLOW) {
                    throw fail(rl.key(), "rate_limit on deny rule '" + name + "'", "rate_limit only on allow rules");
                }
                limit = rateLimit(rl.value());
            }
            return new Rule(name, ruleset, action, Decision.Reason.RULE, hosts, ports, schemes, methods, paths, tools, limit);
        }

        private RateLimit rateLimit(PolicyTree node) {
            Map<String, Field> f = fields(node, "rate_limit", "requests", "per", "burst", "per_tool");
            if (!f.containsKey("requests") || !f.containsKey("per")) {
                throw fail(node, "rate_limit needs 'requests' and 'per'", "e.g. rate_limit: {requests: 10, per: 1s, burst: 20}");
            }
            int requests = positiveInt(f.get("requests").value(), "requests");
            PolicyTree perNode = f.get("per").value();
            String perText = scalar(perNode, "per");
            Matcher m = DURATION.matcher(perText);
            if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
                throw fail(perNode, "per '" + perText + "' is invalid", "a positive duration such as 500ms, 1s, 1m or 1h (at most 24h)");
            }
            long n = Long.parseLong(m.group(1));
            Duration per;
            switch (m.group(2)) {
                case "ms":
                    per = Duration.ofMillis(n);
                    break;
                case "s":
                    per = Duration.ofSeconds(n);
                    break;
                case "m":
                    per = Duration.ofMinutes(n);
                    break;
                default:
                    per = Duration.ofHours(n);
            }
            if (per.compareTo(RateLimit.MAX_PER) > 0) {
                throw fail(perNode, "per '" + perText + "' is too long", "a duration of at most 24h");
            }
            int burst = f.containsKey("burst") ? positiveInt(f.get("burst").value(), "burst") : requests;
            boolean perTool = false;
            if (f.containsKey("per_tool")) {
                PolicyTree b = f.get("per_tool").value();
                String v = scalar(b, "per_tool");
                if (!v.equals("true") && !v.equals("false")) {
                    throw fail(b, "per_tool '" + v + "' is invalid", "true or false");
                }
                perTool = v.equals("true");
            }
            return new RateLimit(requests, per, burst, perTool);
        }

        private int positiveInt(PolicyTree node, String field) {
            String v = scalar(node, field);
            try {
                int n = Integer.parseInt(v);
                if (n >= 1 && n <= 1_000_000_000) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw fail(node, field + " '" + v + "' is invalid", "a whole number 1..1000000000");
        }

        private Action action(PolicyTree node, String field) {
            String v = scalar(node, field);
            Action a = Action.parse(v);
            if (a == null) {
                throw fail(node, field + " '" + v + "' is invalid", "allow or deny");
            }
            return a;
        }

        private <T> List<T> values(Map<String, Field> m, String field, Function<String, T> parse, String expected) {
            Field t = m.get(field);
            if (t == null) {
                return List.of();
            }
            PolicyTree node = t.value();
            List<PolicyTree> items = node.kind == PolicyTree.Kind.LIST ? node.children : List.of(node);
            if (items.isEmpty()) {
                throw fail(node, "'" + field + "' is empty", expected + " (leave the field out to match any)");
            }
            List<T> out = new ArrayList<>();
            for (PolicyTree item : items) {
                String v = scalar(item, field);
                try {
                    out.add(parse.apply(v));
                } catch (IllegalArgumentException e) {
                    throw fail(item, field + " entry '" + v + "' is invalid", expected);
                }
            }
            return out;
        }

        private static String checked(String v, Pattern p) {
            if (!p.matcher(v).matches()) {
                throw new IllegalArgumentException(v);
            }
            return v;
        }

        private String required(PolicyTree owner, Map<String, Field> f, String field, String what) {
            Field t = f.get(field);
            if (t == null) {
                throw fail(owner, what + " has no '" + field + "'", field + ": <a non-empty name>");
            }
            return scalar(t.value(), field);
        }

        /** A non-empty scalar's text. */
        private String scalar(PolicyTree node, String field) {
            if (node.kind != PolicyTree.Kind.TEXT) {
                throw fail(node, "'" + field + "' is a " + kind(node), "a single value");
            }
            String v = node.text.trim();
            if (v.isEmpty() || isPlainNull(node)) {
                throw fail(node, "'" + field + "' is empty", "a value");
            }
            return v;
        }

        private List<PolicyTree> sequence(PolicyTree node, String field) {
            if (node.kind != PolicyTree.Kind.LIST) {
                if (node.kind == PolicyTree.Kind.TEXT && node.text.isEmpty()) {
                    return List.of(); // "rules:" with nothing under it
                }
                throw fail(node, "'" + field + "' is a " + kind(node), "a list (lines starting with '- ')");
            }
            return node.children;
        }

        /** The fields of a mapping, refusing unknown and repeated keys. */
        private Map<String, Field> fields(PolicyTree node, String what, String... allowed) {
            if (node.kind != PolicyTree.Kind.MAPPING) {
                throw fail(node, what + " is a " + kind(node), "a mapping of " + String.join(", ", allowed));
            }
            Map<String, Field> out = new LinkedHashMap<>();
            for (int i = 0; i < node.children.size(); i += 2) {
                PolicyTree k = node.children.get(i);
                if (k.kind != PolicyTree.Kind.TEXT) {
                    throw fail(k, "a key in " + what + " is a " + kind(k), "a plain field name");
                }
                String key = k.text;
                if (!List.of(allowed).contains(key)) {
                    throw fail(k, "unknown field '" + key + "' in " + what + hint(key, allowed),
                            "one of " + String.join(", ", allowed));
                }
                if (out.putIfAbsent(key, new Field(k, node.children.get(i + 1))) != null) {
                    throw fail(k, "field '" + key + "' appears twice in " + what, "each field once");
                }
            }
            return out;
        }

        private static String hint(String key, String[] allowed) {
            String best = null;
            int bestDistance = 3;
            for (String a : allowed) {
                int d = distance(key.toLowerCase(Locale.ROOT), a);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = a;
                }
            }
            return best == null ? "" : " (did you mean '" + best + "'?)";
        }

        private static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }

        private static String kind(PolicyTree node) {
            switch (node.kind) {
                case MAPPING:
                    return "mapping";
                case LIST:
                    return "list";
                default:
                    return "single value";
            }
        }

        private ConfigException fail(PolicyTree node, String problem, String expected) {
            return new ConfigException(KEY + "='" + source + "' line " + node.line + ": " + problem + ": expected " + expected);
        }

        /** YAML's null ({@code ~}, {@code null}) written unquoted; quoted, it is the text itself. */
        private static boolean isPlainNull(PolicyTree node) {
            String v = node.text;
            return node.plain && (v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL"));
        }

    }
}
