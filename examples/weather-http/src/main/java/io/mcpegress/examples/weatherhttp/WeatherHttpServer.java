package io.mcpegress.examples.weatherhttp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.http.HttpServlet;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * A weather MCP server on the streamable HTTP transport (endpoint {@code /mcp}), the kind that runs
 * as a service behind an MCP gateway: the official MCP Java SDK's servlet transport in embedded
 * Jetty. Its tools call a weather API with the HTTP clients such servers usually bring:
 * <ul>
 *   <li>{@code get_forecast(city)}: OkHttp, blocking {@code execute()};</li>
 *   <li>{@code get_alerts(region)}: Apache HttpClient 5 async ({@code SimpleHttpRequest} +
 *       {@code FutureCallback});</li>
 *   <li>{@code get_outlook(city)}: user code that hops threads before calling out: a
 *       {@code CompletableFuture.supplyAsync} (default pool), inside it a {@code ForkJoinPool.submit},
 *       inside that a virtual thread (JDK 21+; a plain executor below 21), plus a
 *       {@code ScheduledExecutorService.schedule} and a {@code thenApplyAsync} stage completed later by an
 *       unrelated thread; one OkHttp call at every hop;</li>
 *   <li>{@code fetch_url(url)}: fetches whatever URL the model asks for with the Apache client, the
 *       SSRF case.</li>
 * </ul>
 * System properties: {@code weather.api.base} (default {@code https://api.weather.example}),
 * {@code weather.http.port} (default 8080; 0 = any free port), {@code weather.http.host} (default
 * 127.0.0.1), {@code weather.transport} ({@code streamable}, the default, or {@code stateless}),
 * {@code weather.api.delay.millis} (ask the API to answer slowly, for concurrency demos),
 * {@code weather.cache.refresh.millis} (a background refresh outside any tool call; 0 = none).
 * The server prints one line, {@code weather-http listening on http://host:port/mcp}, then serves
 * until the JVM is stopped.
 */
public final class WeatherHttpServer {

    public static final String API_BASE_PROPERTY = "weather.api.base";
    public static final String PORT_PROPERTY = "weather.http.port";
    public static final String HOST_PROPERTY = "weather.http.host";
    public static final String TRANSPORT_PROPERTY = "weather.transport";
    public static final String DELAY_PROPERTY = "weather.api.delay.millis";
    public static final String REFRESH_PROPERTY = "weather.cache.refresh.millis";
    public static final String SERVER_NAME = "weather-http";
    public static final String SERVER_VERSION = "1.0.0";

    private final OkHttpClient okhttp = new OkHttpClient.Builder()
            .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(20)).build();
    private final CloseableHttpAsyncClient apache = HttpAsyncClients.createDefault();
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final ForkJoinPool forkJoin = new ForkJoinPool(2);
    private final String apiBase;
    private final long delayMillis;

    WeatherHttpServer(String apiBase, long delayMillis) {
        this.apiBase = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        this.delayMillis = delayMillis;
        apache.start();
    }

    public static void main(String[] args) throws Exception {
        WeatherHttpServer weather = new WeatherHttpServer(
                System.getProperty(API_BASE_PROPERTY, "https://api.weather.example"), Long.getLong(DELAY_PROPERTY, 0));
        McpJsonMapper json = McpJsonDefaults.getMapper();
        List<ToolDef> tools = List.of(
                new ToolDef("get_forecast", "Weather forecast for a city (OkHttp)", "city", weather::forecast),
                new ToolDef("get_alerts", "Active weather alerts for a region (Apache HttpClient 5 async)", "region",
                        weather::alerts),
                new ToolDef("get_outlook", "Long-range outlook for a city (several threads)", "city", weather::outlook),
                new ToolDef("fetch_url", "Fetch a web page and return its text", "url", weather::fetchUrl));

        HttpServlet servlet;
        if ("stateless".equals(System.getProperty(TRANSPORT_PROPERTY, "streamable"))) {
            HttpServletStatelessServerTransport transport = HttpServletStatelessServerTransport.builder()
                    .jsonMapper(json).messageEndpoint("/mcp").build();
            List<McpStatelessServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
            for (ToolDef t : tools) {
                specs.add(McpStatelessServerFeatures.SyncToolSpecification.builder().tool(t.tool(json))
                        .callHandler((context, request) -> t.run(request)).build());
            }
            McpServer.sync(transport).serverInfo(SERVER_NAME, SERVER_VERSION)
                    .capabilities(ServerCapabilities.builder().tools(true).build()).tools(specs).build();
            servlet = transport;
        } else {
            HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(json).mcpEndpoint("/mcp").build();
            List<McpServerFeatures.SyncToolSpecification> specs = new ArrayList<>();
            for (ToolDef t : tools) {
                specs.add(McpServerFeatures.SyncToolSpecification.builder().tool(t.tool(json))
                        .callHandler((exchange, request) -> t.run(request)).build());
            }
            McpServer.sync(transport).serverInfo(SERVER_NAME, SERVER_VERSION)
                    .capabilities(ServerCapabilities.builder().tools(true).build()).tools(specs).build();
            servlet = transport;
        }

        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost(System.getProperty(HOST_PROPERTY, "127.0.0.1"));
        connector.setPort(Integer.getInteger(PORT_PROPERTY, 8080));
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
        weather.startCacheRefresh(Long.getLong(REFRESH_PROPERTY, 0));
        System.out.println("weather-http listening on http://" + connector.getHost() + ":" + connector.getLocalPort() + "/mcp");
        System.out.flush();
        jetty.join();
    }

    /**
     * Background work outside any tool call: every {@code millis}, the same hops {@code get_outlook}
     * makes (common pool, fork-join pool, scheduler), so a worker that ran a tool's task earlier runs
     * this one too; none of these calls belongs to a tool.
     */
    void startCacheRefresh(long millis) {
        if (millis > 0) {
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    CompletableFuture.supplyAsync(() -> get(path("mcp-refresh-cf", "ok")))
                            .get(20, TimeUnit.SECONDS);
                    forkJoin.submit(() -> get(path("mcp-refresh-fj", "ok"))).get(20, TimeUnit.SECONDS);
                    get(path("mcp-refresh", "ok"));
                } catch (Exception e) {
                    // a background refresh failing is not fatal
                }
            }, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** OkHttp, blocking, on the SDK's worker thread. */
    String forecast(String city) {
        return get(path("mcp-forecast", null) + "?city=" + encode(city));
    }

    /** Apache HttpClient 5 async: the exchange completes on the client's I/O threads. */
    String alerts(String region) {
        return "alerts for " + region + ": " + apacheGet(path("mcp-alerts", null) + "?region=" + encode(region));
    }

    private String apacheGet(String url) {
        SimpleHttpRequest request = SimpleRequestBuilder.get(url).build();
        CompletableFuture<SimpleHttpResponse> done = new CompletableFuture<>();
        apache.execute(request, new FutureCallback<>() {
            @Override
            public void completed(SimpleHttpResponse response) {
                done.complete(response);
            }

            @Override
            public void failed(Exception ex) {
                done.completeExceptionally(ex);
            }

            @Override
            public void cancelled() {
                done.cancel(false);
            }
        });
        SimpleHttpResponse response = await(done);
        String body = response.getBodyText();
        return url + ": status " + response.getCode() + ", " + (body == null ? 0 : body.length()) + " chars";
    }

    /**
     * Thread hops written the way application code writes them: supplyAsync without an executor,
     * a fork-join pool, a virtual thread, a scheduled executor. One call at each hop, each with the
     * hop in its path.
     */
    String outlook(String city) {
        String q = "?city=" + encode(city);
        List<String> results = new ArrayList<>();
        results.add(await(CompletableFuture.supplyAsync(() -> {
            String viaCommonPool = get(path("mcp-hop-cf", "ok") + q);
            String viaForkJoin = await(forkJoin.submit(() -> {
                String inForkJoin = get(path("mcp-hop-fj", "ok") + q);
                return inForkJoin + "; " + onVirtualThread(() -> get(path("mcp-hop-vt", "ok") + q));
            }));
            return viaCommonPool + "; " + viaForkJoin;
        })));
        results.add(await(scheduler.schedule(() -> get(path("mcp-hop-sched", "ok") + q), 1, TimeUnit.MILLISECONDS)));
        // a continuation added here and triggered later by a thread that has nothing to do with this call
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> continuation = source.thenApplyAsync(query -> get(path("mcp-hop-then", "ok") + query));
        new Thread(() -> source.complete(q), "weather-outlook-trigger").start();
        results.add(await(continuation));
        return String.join("; ", results);
    }

    /** Whatever the model asks for: the SSRF case (Apache HttpClient 5 async). */
    String fetchUrl(String url) {
        return apacheGet(url);
    }

    /** On a virtual thread per task executor (JDK 21+, found reflectively: this example targets 17). */
    private static String onVirtualThread(java.util.concurrent.Callable<String> task) {
        ExecutorService executor;
        try {
            executor = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (NoSuchMethodException e) {
            executor = Executors.newSingleThreadExecutor();
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
        try {
            return await(executor.submit(task));
        } finally {
            executor.shutdown();
        }
    }

    private String path(String scenario, String rest) {
        if (rest == null) {
            rest = delayMillis > 0 ? "delay/" + delayMillis : "ok";
        }
        return apiBase + "/s/" + scenario + "/" + rest;
    }

    private String get(String url) {
        Request request = new Request.Builder().url(url).get().build();
        try (Response response = okhttp.newCall(request).execute()) {
            String body = response.body() == null ? "" : response.body().string();
            return url + ": status " + response.code() + ", " + body.length() + " chars";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T await(java.util.concurrent.Future<T> future) {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** One tool with one string argument, for both server flavours. */
    private record ToolDef(String name, String description, String argument, Function<String, String> call) {

        Tool tool(McpJsonMapper json) {
            String schema = "{\"type\":\"object\",\"properties\":{\"" + argument + "\":{\"type\":\"string\"}},"
                    + "\"required\":[\"" + argument + "\"]}";
            return Tool.builder().name(name).description(description).inputSchema(json, schema).build();
        }

        CallToolResult run(CallToolRequest request) {
            Map<String, Object> arguments = request.arguments();
            Object value = arguments == null ? null : arguments.get(argument);
            try {
                return CallToolResult.builder().addTextContent(call.apply(String.valueOf(value))).isError(false).build();
            } catch (RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return CallToolResult.builder().addTextContent(cause.getClass().getName() + ": " + cause.getMessage())
                        .isError(true).build();
            }
        }
    }
}
