package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.RecordedRequest;

import java.util.List;

import static io.mcpegress.testkit.AuditLog.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What must hold for each contract scenario, per client: the application's result, the requests the
 * destination received (and from which address) and the audit events. One method per scenario
 * family keeps each expectation readable next to its reason.
 */
final class ScenarioExpectations {

    private ScenarioExpectations() {
    }

    static void check(JsonNode result, List<JsonNode> events, List<RecordedRequest> received) {
        String scenario = result.get("scenario").asText();
        String adapter = result.get("adapter").asText();
        String context = "scenario " + result + "\nevents " + events + "\nreceived " + received;
        switch (scenario) {
            case "get-http", "no-proxy-http", "direct-selector-http", "async-no-proxy-http" ->
                    singleProxiedExchange(result, events, received, adapter, "http", 200, context);
            case "get-https", "no-proxy-https", "direct-selector-https", "async-https" -> {
                singleProxiedExchange(result, events, received, adapter, "https", 200, context);
                if (result.get("http2").asBoolean()) {
                    assertThat(received.get(0).protocol()).as("HTTP/2 through the CONNECT tunnel " + context)
                            .isEqualTo("HTTP/2.0");
                    assertThat(text(events.get(0), "http.version")).as(context).isEqualTo("2");
                }
            }
            case "post-body" -> {
                singleProxiedExchange(result, events, received, adapter, "http", 200, context);
                assertThat(received.get(0).method()).isEqualTo("POST");
                assertThat(received.get(0).body()).isEqualTo("hello contract");
                assertThat(result.get("body").asText()).isEqualTo("hello contract");
                assertThat(text(events.get(0), "http.request.method")).isEqualTo("POST");
            }
            case "status-404" -> {
                singleProxiedExchange(result, events, received, adapter, "http", 404, context);
                assertThat(text(events.get(0), "event.outcome")).isEqualTo("failure");
            }
            case "status-500-https" -> singleProxiedExchange(result, events, received, adapter, "https", 500, context);
            case "redirect-1" -> redirectChain(result, events, received, 1, context);
            case "redirect-3-https" -> redirectChain(result, events, received, 3, context);
            case "redirect-circular" -> {
                assertThat(result.get("error").isNull() && result.get("status").asInt() != 302)
                        .as("a circular redirect never ends in success " + context).isFalse();
                assertThat(events).as(context).hasSameSizeAs(received).hasSizeGreaterThanOrEqualTo(
                        result.get("maxRedirects").asInt());
                events.forEach(e -> assertThat(text(e, "http.response.status_code")).as(context).isEqualTo("302"));
                received.forEach(r -> assertThat(r.remoteAddress()).isEqualTo(ClientContractIT.PROXIED_FROM));
            }
            case "refused" -> {
                // the proxy cannot connect either; the client sees its 503 (or a failed call) and
                // the attempt is still audited
                assertThat(received).isEmpty();
                // Apache HttpClient 5 retries a 503 once by default (DefaultHttpRequestRetryStrategy,
                // maxRetries 1): the retry is an exchange of its own, so it has an event of its own
                int attempts = adapter.startsWith("apache-httpclient5") ? 2 : 1;
                assertThat(events).as(context).hasSize(attempts);
                for (JsonNode e : events) {
                    assertThat(text(e, "mcp.egress.route")).isEqualTo("proxy");
                    boolean proxyAnswered = "503".equals(text(e, "http.response.status_code"));
                    boolean failed = text(e, "error.type") != null;
                    assertThat(proxyAnswered || failed).as(context).isTrue();
                }
            }
            case "read-timeout" -> {
                assertThat(result.get("error").asText()).as(context).isNotEmpty();
                assertThat(events).as(context).hasSize(1);
                assertThat(text(events.get(0), "error.type")).as(context).isNotNull();
                assertThat(text(events.get(0), "event.outcome")).isEqualTo("failure");
                assertThat(text(events.get(0), "http.response.status_code")).isNull();
                assertThat(received).hasSize(1);
                assertThat(received.get(0).remoteAddress()).isEqualTo(ClientContractIT.PROXIED_FROM);
            }
            case "reuse-3" -> {
                assertThat(result.get("status").asInt()).as(context).isEqualTo(200);
                assertThat(events).as(context).hasSize(3);
                assertThat(received).hasSize(3).allMatch(r -> r.remoteAddress().equals(ClientContractIT.PROXIED_FROM));
            }
            case "concurrent-50" -> {
                assertThat(result.get("error").isNull()).as(context).isTrue();
                assertThat(events).as(context).hasSize(50);
                assertThat(received).hasSize(50).allMatch(r -> r.remoteAddress().equals(ClientContractIT.PROXIED_FROM));
                assertThat(events.stream().map(e -> text(e, "url.query")).distinct().count()).isEqualTo(50);
            }
            case "secrets" -> {
                singleProxiedExchange(result, events, received, adapter, "http", 200, context);
                assertThat(text(events.get(0), "url.query")).isEqualTo("token=REDACTED&page=2");
                assertThat(received.get(0).header("Authorization")).as("the request itself is untouched")
                        .contains("Bearer");
            }
            case "bypass" -> {
                assertThat(result.get("status").asInt()).as(context).isEqualTo(200);
                assertThat(received).as(context).hasSize(1);
                assertThat(received.get(0).remoteAddress()).as("bypassed hosts go direct").isEqualTo(ClientContractIT.DIRECT_FROM);
                assertThat(events).as(context).hasSize(1);
                assertThat(text(events.get(0), "mcp.egress.route")).isEqualTo("direct");
                assertThat(text(events.get(0), "mcp.egress.proxy")).isNull();
            }
            default -> throw new AssertionError("no expectation written for scenario " + scenario);
        }
    }

    /** One request, through the proxy, one event describing it fully. */
    private static void singleProxiedExchange(JsonNode result, List<JsonNode> events, List<RecordedRequest> received,
                                              String adapter, String scheme, int status, String context) {
        assertThat(result.get("error").isNull()).as("the call succeeds " + context).isTrue();
        assertThat(result.get("status").asInt()).as(context).isEqualTo(status);
        assertThat(received).as("the destination got exactly one request " + context).hasSize(1);
        assertThat(received.get(0).remoteAddress()).as("it came through Squid " + context)
                .isEqualTo(ClientContractIT.PROXIED_FROM);
        assertThat(received.get(0).scheme()).isEqualTo(scheme);
        assertThat(events).as("exactly one audit event " + context).hasSize(1);
        JsonNode e = events.get(0);
        assertThat(text(e, "http.response.status_code")).isEqualTo(String.valueOf(status));
        assertThat(text(e, "url.scheme")).isEqualTo(scheme);
        assertThat(text(e, "url.domain")).isEqualTo("127.0.0.1");
        assertThat(text(e, "destination.address")).isEqualTo("127.0.0.1");
        assertThat(text(e, "destination.port")).isNotNull();
        assertThat(text(e, "mcp.egress.client")).startsWith(adapter + "/");
        assertThat(text(e, "mcp.egress.route")).isEqualTo("proxy");
        assertThat(text(e, "mcp.egress.proxy")).isNotNull();
        assertThat(text(e, "event.kind")).isEqualTo("event");
        assertThat(e.path("event").path("category").toString()).contains("network").contains("web");
        assertThat(e.path("event").path("type").toString()).contains("allowed").contains("connection");
        assertThat(Long.parseLong(text(e, "event.duration"))).isPositive();
        assertThat(text(e, "service.name")).startsWith("contract-");
        assertThat(text(e, "process.pid")).isNotNull();
        assertThat(text(e, "host.hostname")).isNotNull();
        assertThat(text(e, "@timestamp")).isNotNull();
    }

    /** n redirects: n + 1 exchanges, each its own event, in order, all through the proxy. */
    private static void redirectChain(JsonNode result, List<JsonNode> events, List<RecordedRequest> received, int n,
                                      String context) {
        assertThat(result.get("status").asInt()).as(context).isEqualTo(200);
        assertThat(received).as(context).hasSize(n + 1)
                .allMatch(r -> r.remoteAddress().equals(ClientContractIT.PROXIED_FROM));
        assertThat(events).as(context).hasSize(n + 1);
        for (int i = 0; i < n; i++) {
            assertThat(text(events.get(i), "http.response.status_code")).as(context).isEqualTo("302");
            assertThat(text(events.get(i), "mcp.egress.route")).isEqualTo("proxy");
        }
        assertThat(text(events.get(n), "http.response.status_code")).as(context).isEqualTo("200");
        assertThat(text(events.get(n), "url.path")).endsWith("/redirect/0");
    }
}
