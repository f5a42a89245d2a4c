package io.mcpegress.apps.apache5;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ClientOptions;
import io.mcpegress.contract.ContractRequest;
import io.mcpegress.contract.ContractResponse;
import io.mcpegress.contract.DirectSelector;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.nio.AsyncClientConnectionManager;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Message;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.entity.StringAsyncEntityConsumer;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http.nio.support.BasicResponseConsumer;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.Timeout;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Apache HttpClient 5 async, one started client per option set:
 * <ul>
 *   <li>DEFAULT: {@code useSystemProperties()};</li>
 *   <li>NO_PROXY: the builder's default route planner (no proxy) with the application's own
 *       connection manager and TLS strategy;</li>
 *   <li>DIRECT_SELECTOR: {@code SystemDefaultRoutePlanner} with a selector that answers DIRECT.</li>
 * </ul>
 * {@link #execute} blocks on the {@link SimpleHttpRequest} API; {@link #executeAsync} streams with a
 * request producer and a response consumer and completes through a {@link FutureCallback}.
 * Circular redirects are allowed so that the library runs into its redirect limit (50).
 */
@SuppressWarnings("deprecation")
public final class ApacheHttpAsyncClient5Adapter implements ClientAdapter {

    private static final RequestConfig BASE = RequestConfig.custom()
            .setCircularRedirectsAllowed(true)
            .setConnectTimeout(5, TimeUnit.SECONDS)
            .build();

    private final Map<ClientOptions.ProxyChoice, CloseableHttpAsyncClient> clients = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "apache-httpclient5-async";
    }

    /**
     * HTTP/2 by ALPN, also inside the proxy's CONNECT tunnel, from 5.2 on. 5.0/5.1 cannot switch a
     * tunnel to HTTP/2, so there the agent's tunnels offer HTTP/1.1 only.
     */
    @Override
    public boolean negotiatesHttp2() {
        String version = CloseableHttpAsyncClient.class.getPackage().getImplementationVersion();
        return version != null && !version.startsWith("5.0") && !version.startsWith("5.1");
    }

    @Override
    public int maxRedirects() {
        return 50; // AsyncRedirectExec's limit when RequestConfig sets none
    }

    private static AsyncClientConnectionManager systemTrustConnectionManager() {
        return PoolingAsyncClientConnectionManagerBuilder.create()
                .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(SSLContexts.createSystemDefault()).build())
                .setMaxConnPerRoute(20)
                .setMaxConnTotal(40)
                .build();
    }

    private CloseableHttpAsyncClient client(ClientOptions.ProxyChoice choice) {
        return clients.computeIfAbsent(choice, c -> {
            CloseableHttpAsyncClient client;
            switch (c) {
                case NO_PROXY:
                    client = HttpAsyncClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .setConnectionManager(systemTrustConnectionManager())
                            .build();
                    break;
                case DIRECT_SELECTOR:
                    client = HttpAsyncClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .setConnectionManager(systemTrustConnectionManager())
                            .setRoutePlanner(new SystemDefaultRoutePlanner(new DirectSelector()))
                            .build();
                    break;
                default:
                    client = HttpAsyncClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .useSystemProperties()
                            .build();
                    break;
            }
            client.start();
            return client;
        });
    }

    private static <T> FutureCallback<T> completing(CompletableFuture<T> future) {
        return new FutureCallback<T>() {
            @Override
            public void completed(T result) {
                future.complete(result);
            }

            @Override
            public void failed(Exception e) {
                future.completeExceptionally(e);
            }

            @Override
            public void cancelled() {
                future.cancel(false);
            }
        };
    }

    @Override
    public ContractResponse execute(ContractRequest r) throws Exception {
        SimpleHttpRequest request = new SimpleHttpRequest(r.method(), URI.create(r.url()));
        r.headers().forEach(request::addHeader);
        if (r.body() != null) {
            request.setBody(r.body(), ContentType.TEXT_PLAIN);
        }
        if (r.options().readTimeoutMillis() > 0) {
            request.setConfig(RequestConfig.copy(BASE)
                    .setResponseTimeout(Timeout.ofMilliseconds(r.options().readTimeoutMillis())).build());
        }
        CompletableFuture<SimpleHttpResponse> future = new CompletableFuture<>();
        client(r.options().proxyChoice()).execute(request, completing(future));
        SimpleHttpResponse response = future.get();
        return new ContractResponse(response.getCode(), response.getBodyText() == null ? "" : response.getBodyText(),
                response.getVersion() == null ? null : response.getVersion().format());
    }

    @Override
    public CompletableFuture<ContractResponse> executeAsync(ContractRequest r) {
        BasicHttpRequest request = new BasicHttpRequest(r.method(), URI.create(r.url()));
        r.headers().forEach(request::addHeader);
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(BASE);
        CompletableFuture<Message<HttpResponse, String>> future = new CompletableFuture<>();
        client(r.options().proxyChoice()).execute(
                new BasicRequestProducer(request, r.body() == null ? null
                        : AsyncEntityProducers.create(r.body(), ContentType.TEXT_PLAIN)),
                new BasicResponseConsumer<>(new StringAsyncEntityConsumer()),
                context, completing(future));
        return future.thenApply(m -> new ContractResponse(m.getHead().getCode(), m.getBody() == null ? "" : m.getBody(),
                m.getHead().getVersion() == null ? null : m.getHead().getVersion().format()));
    }

    @Override
    public void close() {
        for (CloseableHttpAsyncClient c : clients.values()) {
            c.close(CloseMode.GRACEFUL);
        }
    }
}
