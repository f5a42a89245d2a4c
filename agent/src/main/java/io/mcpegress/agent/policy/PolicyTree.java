package io.mcpegress.agent.policy;


import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A policy document as the policy reader sees it: mappings, lists and text values, each with its
 * line. Taken from SnakeYAML's node tree ({@link PolicyYaml}), and small enough to store: a start whose policy file is
 * unchanged reads it back from the start-up cache ({@link PolicyFileCache}) and never loads
 * SnakeYAML. The reader checks a stored tree exactly as a freshly parsed one.
 */
final class PolicyTree {

    enum Kind { MAPPING, LIST, TEXT }

    /** Aliases can make a short file a huge tree; no policy comes near this. */
    static final int MAX_NODES = 100_000;

    final Kind kind;
    /** 1-based line where the node starts; 0 when unknown. */
    final int line;
    /** The value of a text node (as written, without quotes), else null. */
    final String text;
    /** A text node written without quotes: only then is {@code ~} or {@code null} YAML's null. */
    final boolean plain;
    /** A list's items, or a mapping's keys and values, alternating. */
    final List<PolicyTree> children;

    private PolicyTree(Kind kind, int line, String text, boolean plain, List<PolicyTree> children) {
        this.kind = kind;
        this.line = line;
        this.text = text;
        this.plain = plain;
        this.children = children;
    }

    static PolicyTree text(int line, String text, boolean plain) {
        return new PolicyTree(Kind.TEXT, line, text, plain, List.of());
    }

    static PolicyTree list(int line, List<PolicyTree> items) {
        return new PolicyTree(Kind.LIST, line, null, false, items);
    }

    static PolicyTree mapping(int line, List<PolicyTree> keysAndValues) {
        return new PolicyTree(Kind.MAPPING, line, null, false, keysAndValues);
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeByte(kind.ordinal());
        out.writeInt(line);
        if (kind == Kind.TEXT) {
            out.writeBoolean(plain);
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
            return;
        }
        out.writeInt(children.size());
        for (PolicyTree child : children) {
            child.writeTo(out);
        }
    }

    static PolicyTree readFrom(DataInputStream in) throws IOException {
        return read(in, new int[1]);
    }

    private static PolicyTree read(DataInputStream in, int[] count) throws IOException {
        if (++count[0] > MAX_NODES) {
            throw new IOException("more than " + MAX_NODES + " nodes");
        }
        int kind = in.readByte();
        int line = in.readInt();
        if (kind == Kind.TEXT.ordinal()) {
            boolean plain = in.readBoolean();
            int length = in.readInt();
            if (length < 0 || length > in.available()) {
                throw new IOException("bad text length " + length);
            }
            return text(line, new String(in.readNBytes(length), StandardCharsets.UTF_8), plain);
        }
        if (kind != Kind.LIST.ordinal() && kind != Kind.MAPPING.ordinal()) {
            throw new IOException("bad node kind " + kind);
        }
        int size = in.readInt();
        if (size < 0 || size > in.available() || (kind == Kind.MAPPING.ordinal() && size % 2 != 0)) {
            throw new IOException("bad node size " + size);
        }
        List<PolicyTree> children = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            children.add(read(in, count));
        }
        return kind == Kind.LIST.ordinal() ? list(line, children) : mapping(line, children);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyTree t && t.kind == kind && t.line == line && t.plain == plain
                && java.util.Objects.equals(t.text, text) && t.children.equals(children);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, line, text, plain, children);
    }
}
