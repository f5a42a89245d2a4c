package io.mcpegress.agent.audit;

import java.util.Locale;
import java.util.Set;

/**
 * Decides what is a secret. Applied before an event exists, so secrets never reach the queue,
 * the log or a sink. Errs on the side of redacting: a name that looks like a credential is one.
 */
public final class Redaction {

    public static final String MASK = "REDACTED";

    private static final Set<String> SECRET_HEADERS = Set.of(
            "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key", "apikey",
            "x-auth-token", "x-access-token", "x-csrf-token", "x-xsrf-token", "x-amz-security-token",
            "x-goog-api-key", "ocp-apim-subscription-key", "private-token", "x-vault-token");

    private static final Set<String> SECRET_PARAMS = Set.of(
            "token", "access_token", "refresh_token", "id_token", "key", "api_key", "apikey", "api-key",
            "secret", "client_secret", "password", "passwd", "pwd", "signature", "sig", "auth", "code",
            "session", "sessionid", "credential", "credentials", "private_token", "jwt");

    private static final String[] SECRET_SUFFIXES = {"token", "secret", "password", "passwd", "apikey",
        "api_key", "api-key", "_key", "-key", "signature", "credential", "session"};

    // For the in-place check of a query's parameter names on the writer thread, which tried every
    // name and suffix in turn (~280 ns a query): the secret names by length, the suffixes by last char.
    private static final String[][] SECRET_PARAMS_BY_LENGTH = byKey(SECRET_PARAMS.toArray(new String[0]), false);
    private static final String[][] SECRET_SUFFIXES_BY_LAST_CHAR = byKey(SECRET_SUFFIXES, true);

    /** The strings grouped by length, or by last char (all ASCII); an empty group for any other key. */
    private static String[][] byKey(String[] strings, boolean lastChar) {
        String[][] groups = new String[128][0];
        for (String s : strings) {
            int key = lastChar ? s.charAt(s.length() - 1) : s.length();
            String[] g = java.util.Arrays.copyOf(groups[key], groups[key].length + 1);
            g[g.length - 1] = s;
            groups[key] = g;
        }
        return groups;
    }

    private Redaction() {
    }

    public static boolean isSecretHeader(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return SECRET_HEADERS.contains(n) || n.contains("api-key") || n.contains("apikey")
                || n.endsWith("token") || n.endsWith("secret") || n.contains("signature");
    }

    public static boolean isSecretParam(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (SECRET_PARAMS.contains(n) || n.startsWith("x-amz-")) {
            return true;
        }
        for (String suffix : SECRET_SUFFIXES) {
            if (n.endsWith(suffix)) {
                return true;
            }
        }
        return false;
    }

    /** The raw query with every secret parameter's value replaced; {@code null} stays null. */
    public static String redactQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return rawQuery;
        }
        StringBuilder out = null;
        int start = 0;
        int len = rawQuery.length();
        while (start <= len) {
            int amp = rawQuery.indexOf('&', start);
            int end = amp < 0 ? len : amp;
            int eq = rawQuery.indexOf('=', start);
            if (eq >= 0 && eq < end && isSecretParamAt(rawQuery, start, eq)) {
                if (out == null) {
                    out = new StringBuilder(len).append(rawQuery, 0, start);
                }
                out.append(rawQuery, start, eq + 1).append(MASK);
            } else if (out != null) {
                out.append(rawQuery, start, end);
            }
            if (amp < 0) {
                break;
            }
            if (out != null) {
                out.append('&');
            }
            start = amp + 1;
        }
        return out == null ? rawQuery : out.toString();
    }

    /**
     * {@link #isSecretParam} of the (decoded) parameter name {@code query[from, to)}. Names made of
     * lower-case ASCII letters, digits, '_', '-' and '.' (nearly all) are tested in place, without
     * a substring; anything else takes the general path.
     */
    static boolean isSecretParamAt(String query, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = query.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.')) {
                return isSecretParam(decodeName(query.substring(from, to)));
            }
        }
        int len = to - from;
        if (len == 0) {
            return false;
        }
        if (len < SECRET_PARAMS_BY_LENGTH.length) {
            for (String p : SECRET_PARAMS_BY_LENGTH[len]) {
                if (query.startsWith(p, from)) {
                    return true;
                }
            }
        }
        if (len >= 6 && query.startsWith("x-amz-", from)) {
            return true;
        }
        for (String suffix : SECRET_SUFFIXES_BY_LAST_CHAR[query.charAt(to - 1)]) { // a char of [a-z0-9_.-]
            if (suffix.length() <= len && query.startsWith(suffix, to - suffix.length())) {
                return true;
            }
        }
        return false;
    }

    private static String decodeName(String raw) {
        if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
            return raw;
        }
        try {
            return java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}
