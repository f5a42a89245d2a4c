package io.mcpegress.testkit;

import java.util.List;
import java.util.Map;

/**
 * One request as seen by the {@link TargetServer}.
 *
 * @param scheme        "http" or "https"
 * @param method        e.g. "GET"
 * @param path          request path, e.g. "/status/200"
 * @param query         raw query string or null
 * @param protocol      "HTTP/1.1" or "HTTP/2.0"
 * @param remoteAddress IP of the connecting peer: "127.0.0.2" when the request came through
 *                      {@link SquidProxy}, "127.0.0.1" when it came direct
 * @param headers       all request headers; the map is case-insensitive on names
 * @param body          request body decoded as UTF-8 ("" when none)
 * @param scenario      value of the {@code X-Scenario} request header, or null
 */
public record RecordedRequest(
        String scheme,
        String method,
        String path,
        String query,
        String protocol,
        String remoteAddress,
        Map<String, List<String>> headers,
        String body,
        String scenario) {

    /** First value of a header (case-insensitive name), or null. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** True when the peer was Squid's outgoing address, i.e. the request was proxied. */
    public boolean viaProxy() {
        return SquidProxy.OUTGOING_ADDRESS.equals(remoteAddress);
    }

    /** path plus "?query" when present. */
    public String pathAndQuery() {
        return query == null ? path : path + "?" + query;
    }
}
