package io.mcpegress.agent.policy;

/** A port or an inclusive range of ports, {@code 443} or {@code 8000-8999}. Immutable. */
final class PortRange {

    private final int from;
    private final int to;

    private PortRange(int from, int to) {
        this.from = from;
        this.to = to;
    }

    /** @throws IllegalArgumentException unless 1..65535, or two such joined by '-' in order */
    static PortRange parse(String text) {
        String t = text.trim();
        int dash = t.indexOf('-');
        int from = port(dash < 0 ? t : t.substring(0, dash).trim(), text);
        int to = dash < 0 ? from : port(t.substring(dash + 1).trim(), text);
        if (to < from) {
            throw new IllegalArgumentException(text);
        }
        return new PortRange(from, to);
    }

    private static int port(String s, String text) {
        if (s.isEmpty() || s.length() > 5) {
            throw new IllegalArgumentException(text);
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new IllegalArgumentException(text);
            }
        }
        int p = Integer.parseInt(s);
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(text);
        }
        return p;
    }

    boolean contains(int port) {
        return port >= from && port <= to;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
