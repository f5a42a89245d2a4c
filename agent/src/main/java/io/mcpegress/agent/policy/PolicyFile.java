package io.mcpegress.agent.policy;

import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigKey;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.StringReader;
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
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw ConfigException.invalid(KEY, file.toString(), "path to a readable YAML policy file (" + e + ")");
        }
        return parse(text, file.toString());
    }

    /**
     * @param source the file name, for messages
     * @throws ConfigException naming {@code mcp.egress.policy}, the source, the line and what was expected
     */
    public static PolicyFile parse(String yaml, String source) {
        return new Reader(source).read(yaml);
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

    /**
     * Resolves every scalar to a string: the policy reads values as text and checks them itself, so
     * SnakeYAML's implicit typing (its regular expressions tried on each plain scalar) has nothing
     * to do. Null is recognised by the reader.
     */
    private static final class PlainStrings extends Resolver {
        @Override
        protected void addImplicitResolvers() {
        }
    }

    /** Walks the node tree; every error carries the line of the node it is about. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        PolicyFile read(String yaml) {
            Node root;
            try {
                LoaderOptions options = new LoaderOptions();
                options.setAllowRecursiveKeys(false);
                // what Yaml.compose does, without building the Yaml facade's constructor, representer
                // and dumper, which only loading objects or writing YAML need (~50 classes at start-up)
                root = new Composer(new ParserImpl(new StreamReader(new StringReader(yaml)), options), new PlainStrings(), options)
                        .getSingleNode();
            } catch (MarkedYAMLException e) {
                String problem = e.getProblem() == null ? String.valueOf(e.getContext()) : e.getProblem();
                int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1
                        : e.getContextMark() != null ? e.getContextMark().getLine() + 1 : 0;
                String expected = problem.contains("alias") || hasUnquotedStar(yaml, line)
                        ? "a quoted pattern such as \"*.example.com\" (an unquoted leading * is YAML alias syntax)"
                        : "valid YAML";
                throw new ConfigException(KEY + "='" + source + "' line " + line + ": YAML syntax error ("
                        + oneLine(problem) + "): expected " + expected);
            } catch (YAMLException e) {
                throw new ConfigException(KEY + "='" + source + "': " + oneLine(String.valueOf(e.getMessage()))
                        + ": expected valid YAML");
            }
            if (root == null) {
                throw new ConfigException(KEY + "='" + source + "' line 1: the file is empty: expected a mapping"
                        + " with 'default' and 'rulesets' (docs/policy.md)");
            }
            Map<String, NodeTuple> top = fields(root, "the policy", "version", "description", "default", "rulesets");
            if (top.containsKey("version")) {
                Node v = top.get("version").getValueNode();
                if (!"1".equals(scalar(v, "version"))) {
                    throw fail(v, "version '" + scalar(v, "version") + "' is not supported", "1");
                }
            }
            NodeTuple def = top.get("default");
            if (def == null) {
                throw fail(root, "missing 'default'", "default: allow or default: deny at the top level");
            }
            Action defaultAction = action(def.getValueNode(), "default");
            List<String> rulesetNames = new ArrayList<>();
            List<Rule> rules = new ArrayList<>();
            NodeTuple rs = top.get("rulesets");
            if (rs != null) {
                for (Node set : sequence(rs.getValueNode(), "rulesets")) {
                    readRuleset(set, rulesetNames, rules);
                }
            }
            return new PolicyFile(source, defaultAction, rulesetNames, rules);
        }

        private void readRuleset(Node node, List<String> rulesetNames, List<Rule> rules) {
            Map<String, NodeTuple> f = fields(node, "a ruleset", "name", "description", "rules");
            String name = required(node, f, "name", "a ruleset");
            if (rulesetNames.contains(name)) {
                throw fail(f.get("name").getValueNode(), "ruleset name '" + name + "' is used twice", "unique ruleset names");
            }
            rulesetNames.add(name);
            NodeTuple list = f.get("rules");
            if (list == null) {
                return;
            }
            Set<String> ruleNames = new HashSet<>();
            for (Node r : sequence(list.getValueNode(), "rules")) {
                Rule rule = readRule(r, name);
                if (!ruleNames.add(rule.name())) {
                    throw fail(r, "rule name '" + rule.name() + "' is used twice in ruleset '" + name + "'",
                            "unique rule names within a ruleset");
                }
                rules.add(rule);
            }
        }

        private Rule readRule(Node node, String ruleset) {
            Map<String, NodeTuple> f = fields(node, "a rule", "name", "description", "action", "match", "rate_limit");
            String name = required(node, f, "name", "a rule");
            if (!f.containsKey("action")) {
                throw fail(node, "rule '" + name + "' has no 'action'", "action: allow or action: deny");
            }
            Action action = action(f.get("action").getValueNode(), "action");
            List<HostPattern> hosts = List.of();
            List<PortRange> ports = List.of();
            List<String> schemes = List.of();
            List<String> methods = List.of();
            List<PathPrefix> paths = List.of();
            List<String> tools = List.of();
            NodeTuple match = f.get("match");
            if (match != null) {
                Map<String, NodeTuple> m = fields(match.getValueNode(), "match",
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
            NodeTuple rl = f.get("rate_limit");
            if (rl != null) {
                if (action != Action.ALLOW) {
                    throw fail(rl.getKeyNode(), "rate_limit on deny rule '" + name + "'", "rate_limit only on allow rules");
                }
                limit = rateLimit(rl.getValueNode());
            }
            return new Rule(name, ruleset, action, Decision.Reason.RULE, hosts, ports, schemes, methods, paths, tools, limit);
        }

        private RateLimit rateLimit(Node node) {
            Map<String, NodeTuple> f = fields(node, "rate_limit", "requests", "per", "burst", "per_tool");
            if (!f.containsKey("requests") || !f.containsKey("per")) {
                throw fail(node, "rate_limit needs 'requests' and 'per'", "e.g. rate_limit: {requests: 10, per: 1s, burst: 20}");
            }
            int requests = positiveInt(f.get("requests").getValueNode(), "requests");
            Node perNode = f.get("per").getValueNode();
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
            int burst = f.containsKey("burst") ? positiveInt(f.get("burst").getValueNode(), "burst") : requests;
            boolean perTool = false;
            if (f.containsKey("per_tool")) {
                Node b = f.get("per_tool").getValueNode();
                String v = scalar(b, "per_tool");
                if (!v.equals("true") && !v.equals("false")) {
                    throw fail(b, "per_tool '" + v + "' is invalid", "true or false");
                }
                perTool = v.equals("true");
            }
            return new RateLimit(requests, per, burst, perTool);
        }

        private int positiveInt(Node node, String field) {
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

        private Action action(Node node, String field) {
            String v = scalar(node, field);
            Action a = Action.parse(v);
            if (a == null) {
                throw fail(node, field + " '" + v + "' is invalid", "allow or deny");
            }
            return a;
        }

        private <T> List<T> values(Map<String, NodeTuple> m, String field, Function<String, T> parse, String expected) {
            NodeTuple t = m.get(field);
            if (t == null) {
                return List.of();
            }
            Node node = t.getValueNode();
            List<Node> items = node instanceof SequenceNode ? ((SequenceNode) node).getValue() : List.of(node);
            if (items.isEmpty()) {
                throw fail(node, "'" + field + "' is empty", expected + " (leave the field out to match any)");
            }
            List<T> out = new ArrayList<>();
            for (Node item : items) {
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

        private String required(Node owner, Map<String, NodeTuple> f, String field, String what) {
            NodeTuple t = f.get(field);
            if (t == null) {
                throw fail(owner, what + " has no '" + field + "'", field + ": <a non-empty name>");
            }
            return scalar(t.getValueNode(), field);
        }

        /** A non-empty scalar's text. */
        private String scalar(Node node, String field) {
            if (!(node instanceof ScalarNode)) {
                throw fail(node, "'" + field + "' is a " + kind(node), "a single value");
            }
            String v = ((ScalarNode) node).getValue().trim();
            if (v.isEmpty() || isPlainNull((ScalarNode) node)) {
                throw fail(node, "'" + field + "' is empty", "a value");
            }
            return v;
        }

        private List<Node> sequence(Node node, String field) {
            if (!(node instanceof SequenceNode)) {
                if (node instanceof ScalarNode && ((ScalarNode) node).getValue().isEmpty()) {
                    return List.of(); // "rules:" with nothing under it
                }
                throw fail(node, "'" + field + "' is a " + kind(node), "a list (lines starting with '- ')");
            }
            return ((SequenceNode) node).getValue();
        }

        /** The fields of a mapping, refusing unknown and repeated keys. */
        private Map<String, NodeTuple> fields(Node node, String what, String... allowed) {
            if (!(node instanceof MappingNode)) {
                throw fail(node, what + " is a " + kind(node), "a mapping of " + String.join(", ", allowed));
            }
            Map<String, NodeTuple> out = new LinkedHashMap<>();
            for (NodeTuple t : ((MappingNode) node).getValue()) {
                Node k = t.getKeyNode();
                if (!(k instanceof ScalarNode)) {
                    throw fail(k, "a key in " + what + " is a " + kind(k), "a plain field name");
                }
                String key = ((ScalarNode) k).getValue();
                if (!List.of(allowed).contains(key)) {
                    throw fail(k, "unknown field '" + key + "' in " + what + hint(key, allowed),
                            "one of " + String.join(", ", allowed));
                }
                if (out.putIfAbsent(key, t) != null) {
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

        private static String kind(Node node) {
            if (node instanceof MappingNode) {
                return "mapping";
            }
            if (node instanceof SequenceNode) {
                return "list";
            }
            return "single value";
        }

        private ConfigException fail(Node node, String problem, String expected) {
            int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
            return new ConfigException(KEY + "='" + source + "' line " + line + ": " + problem + ": expected " + expected);
        }

        /** YAML's null ({@code ~}, {@code null}) written unquoted; quoted, it is the text itself. */
        private static boolean isPlainNull(ScalarNode node) {
            String v = node.getValue();
            return node.isPlain() && (v.equals("~") || v.equals("null") || v.equals("Null") || v.equals("NULL"));
        }

        /** A '*' that starts a plain value on that line: the usual cause of alias errors. */
        private static boolean hasUnquotedStar(String yaml, int line) {
            String[] lines = yaml.split("\n", -1);
            return line >= 1 && line <= lines.length
                    && Pattern.compile("(^|[\\[,:{-])\\s*\\*[^\\s,\\]}]").matcher(lines[line - 1]).find();
        }

        private static String oneLine(String s) {
            return s.replaceAll("\\s+", " ").trim();
        }
    }
}
