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

import java.io.StringReader;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses a policy file's YAML into its {@link PolicyTree} with SnakeYAML's node API. The only
 * class of the policy reader that touches SnakeYAML, so a start that takes the tree from the
 * start-up cache never loads it.
 */
final class PolicyYaml {

    private static final String KEY = ConfigKey.POLICY_FILE.key();

    private PolicyYaml() {
    }

    /**
     * @param source the file name, for messages
     * @throws ConfigException naming the key, the source and the line of a YAML error
     */
    static PolicyTree compose(String yaml, String source) {
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
        try {
            return convert(root, new int[1], new IdentityHashMap<>());
        } catch (TooLargeException e) {
            throw new ConfigException(KEY + "='" + source + "' line " + e.line + ": the document expands to more than "
                    + PolicyTree.MAX_NODES + " values, or an alias refers to itself: expected a policy of at most "
                    + PolicyTree.MAX_NODES + " values");
        }
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

    /** Aliases expand as the reader always saw them; a huge expansion or a cycle stops at its line. */
    private static final class TooLargeException extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        TooLargeException(int line) {
            super(null, null, false, false);
            this.line = line;
        }
    }

    private static PolicyTree convert(Node node, int[] count, Map<Node, Boolean> open) throws TooLargeException {
        int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
        if (++count[0] > PolicyTree.MAX_NODES || open.put(node, Boolean.TRUE) != null) {
            throw new TooLargeException(line);
        }
        try {
            if (node instanceof ScalarNode s) {
                return PolicyTree.text(line, s.getValue(), s.isPlain());
            }
            List<PolicyTree> children = new ArrayList<>();
            if (node instanceof SequenceNode s) {
                for (Node item : s.getValue()) {
                    children.add(convert(item, count, open));
                }
                return PolicyTree.list(line, children);
            }
            for (NodeTuple t : ((MappingNode) node).getValue()) {
                children.add(convert(t.getKeyNode(), count, open));
                children.add(convert(t.getValueNode(), count, open));
            }
            return PolicyTree.mapping(line, children);
        } finally {
            open.remove(node);
        }
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
