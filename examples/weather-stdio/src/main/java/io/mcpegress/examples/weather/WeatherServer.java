package io.mcpegress.examples.weather;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;

import reactor.core.scheduler.Schedulers;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A small weather MCP server on the stdio transport, the kind an MCP client (Claude Desktop, an IDE)
 * starts as a child process. Its tools call a weather API with {@link HttpClient}:
 * <ul>
 *   <li>{@code get_forecast(city)}: blocking {@code send};</li>
 *   <li>{@code get_alerts(region)}: {@code sendAsync}, completing on the client's executor;</li>
 *   <li>{@code fetch_url(url)}: fetches whatever URL the model asks for, the classic SSRF tool the
 *       egress policy exists for.</li>
 * </ul>
 * The API base URL is the system property {@code weather.api.base} (default
 * {@code https://api.weather.example}). Nothing but JSON-RPC is written to stdout; a failed call
 * becomes the tool's error result, with the exception's message. The server exits when its client
 * closes stdin.
 */
public final class WeatherServer {

    public static final String API_BASE_PROPERTY = "weather.api.base";
    /** Milliseconds between background cache refreshes (a call outside any tool); 0 = none. */
    public static final String REFRESH_PROPERTY = "weather.cache.refresh.millis";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String apiBase;

    WeatherServer(String apiBase) {
        this.apiBase = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
    }

    public static void main(String[] args) throws InterruptedException {
        WeatherServer weather = new WeatherServer(System.getProperty(API_BASE_PROPERTY, "https://api.weather.example"));
        McpJsonMapper json = McpJsonDefaults.getMapper();
        CountDownLatch stopped = new CountDownLatch(1);
        // stdin closed = the client went away: stop (the SDK's transport would otherwise idle forever)
        InputStream in = new FilterInputStream(System.in) {
            @Override
            public int read() throws IOException {
                return eof(super.read());
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return eof(super.read(b, off, len));
            }

            private int eof(int n) {
                if (n < 0) {
                    stopped.countDown();
                }
                return n;
            }
        };
        McpSyncServer server = McpServer.sync(new StdioServerTransportProvider(json, in, System.out))
                .serverInfo("weather-stdio", "1.0.0")
                .capabilities(ServerCapabilities.builder().tools(true).build())
                .tools(tool(json, "get_forecast", "Weather forecast for a city", "city", weather::forecast),
                        tool(json, "get_alerts", "Active weather alerts for a region", "region", weather::alerts),
                        tool(json, "fetch_url", "Fetch a web page and return its text", "url", weather::fetchUrl))
                .build();
        weather.startCacheRefresh(Long.getLong(REFRESH_PROPERTY, 0));
        stopped.await();
        server.closeGracefully();
        System.exit(0);
    }

    /**
     * Background work outside any tool call: refreshes a (pretend) cache every {@code millis} on
     * Reactor's bounded-elastic scheduler, the same threads the SDK runs sync tools on.
     */
    void startCacheRefresh(long millis) {
        if (millis > 0) {
            Schedulers.boundedElastic().schedulePeriodically(() -> {
                try {
                    get(URI.create(apiBase + "/s/mcp-refresh/ok"));
                } catch (RuntimeException e) {
                    // a background refresh failing is not fatal
                }
            }, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private static SyncToolSpecification tool(McpJsonMapper json, String name, String description, String argument,
                                              BiFunction<Object, String, String> call) {
        String schema = "{\"type\":\"object\",\"properties\":{\"" + argument + "\":{\"type\":\"string\"}},"
                + "\"required\":[\"" + argument + "\"]}";
        return SyncToolSpecification.builder()
                .tool(Tool.builder().name(name).description(description).inputSchema(json, schema).build())
                .callHandler((exchange, request) -> run(call, request, argument))
                .build();
    }

    private static CallToolResult run(BiFunction<Object, String, String> call, CallToolRequest request, String argument) {
        Object value = request.arguments() == null ? null : request.arguments().get(argument);
        try {
            return CallToolResult.builder().addTextContent(call.apply(null, String.valueOf(value))).isError(false).build();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return CallToolResult.builder().addTextContent(cause.getClass().getName() + ": " + cause.getMessage())
                    .isError(true).build();
        }
    }

    /** Blocking send on the SDK's worker thread. */
    String forecast(Object unused, String city) {
        return get(URI.create(apiBase + "/s/mcp-forecast/ok?city=" + encode(city)));
    }

    /** sendAsync: the request goes out from the client's own threads. */
    String alerts(Object unused, String region) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiBase + "/s/mcp-alerts/ok?region=" + encode(region)))
                .timeout(Duration.ofSeconds(20)).GET().build();
        try {
            HttpResponse<String> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> r)
                    .get();
            return "alerts for " + region + ": status " + response.statusCode();
        } catch (ExecutionException e) {
            throw new RuntimeException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    /** Whatever the model asks for: the SSRF case. */
    String fetchUrl(Object unused, String url) {
        return get(URI.create(url));
    }

    private String get(URI uri) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return uri + ": status " + response.statusCode() + ", " + response.body().length() + " chars";
        } catch (IOException e) {
            throw new RuntimeException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
