package io.mcpegress.agent.policy;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A path prefix of a rule, matched segment-wise on the normalised request path: {@code /v1}
 * matches {@code /v1} and {@code /v1/x} but not {@code /v1beta}; {@code /v1/} matches what starts
 * with it. Requests are normalised first (escaped unreserved characters decoded, {@code .} and
 * {@code ..} segments resolved, repeated slashes collapsed), so {@code /a/../admin} and
 * {@code /%61dmin} are {@code /admin}.
 */
final class PathPrefix {

    private final String prefix;

    private PathPrefix(String prefix) {
        this.prefix = prefix;
    }

    /** @throws IllegalArgumentException unless it starts with '/' */
    static PathPrefix parse(String text) {
        if (text == null || !text.startsWith("/")) {
            throw new IllegalArgumentException(text);
        }
        return new PathPrefix(normalize(text));
    }

    boolean matches(String normalizedPath) {
        if (!normalizedPath.startsWith(prefix)) {
            return false;
        }
        return prefix.endsWith("/") || normalizedPath.length() == prefix.length()
                || normalizedPath.charAt(prefix.length()) == '/';
    }

    /** The path itself (no copy) when it is already normal, which is the common case. */
    static String normalize(String path) {
        if (path == null || path.isEmpty()) {
            return "/";
        }
        int end = path.length();
        for (int i = 0; i < end; i++) {
            char c = path.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
            }
        }
        if (end == path.length() && path.charAt(0) == '/' && !needsWork(path)) {
            return path;
        }
        return slowNormalize(path.substring(0, end));
    }

    private static boolean needsWork(String p) {
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '%' || c == '\\') {
                return true;
            }
            if (c == '/' && i + 1 < p.length()) {
                char n = p.charAt(i + 1);
                if (n == '/' || n == '.') {
                    return true;
                }
            }
        }
        return false;
    }

    private static String slowNormalize(String raw) {
        StringBuilder decoded = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int h = Character.digit(raw.charAt(i + 1), 16);
                int l = Character.digit(raw.charAt(i + 2), 16);
                if (h >= 0 && l >= 0 && raw.charAt(i + 1) < 0x80 && raw.charAt(i + 2) < 0x80) {
                    char d = (char) (h * 16 + l);
                    if (isUnreserved(d)) {
                        decoded.append(d); // %61 is 'a' to every server
                    } else {
                        decoded.append('%').append(Character.toUpperCase(raw.charAt(i + 1)))
                                .append(Character.toUpperCase(raw.charAt(i + 2)));
                    }
                    i += 2;
                    continue;
                }
            }
            decoded.append(c == '\\' ? '/' : c); // some servers read '\' as '/'
        }
        Deque<String> segments = new ArrayDeque<>();
        String s = decoded.toString();
        boolean trailingSlash = s.endsWith("/") || s.endsWith("/.") || s.endsWith("/..") || s.equals(".") || s.equals("..");
        for (String seg : s.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(seg);
            }
        }
        StringBuilder out = new StringBuilder(s.length() + 1);
        for (String seg : segments) {
            out.append('/').append(seg);
        }
        if (out.length() == 0 || trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }

    private static boolean isUnreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    @Override
    public String toString() {
        return prefix;
    }
}
