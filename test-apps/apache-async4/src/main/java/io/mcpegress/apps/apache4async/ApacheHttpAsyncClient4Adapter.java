package io.mcpegress.apps.apache4async;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ClientOptions;
import io.mcpegress.contract.ContractRequest;
import io.mcpegress.contract.ContractResponse;
import io.mcpegress.contract.DirectSelector;
import org.apache.http.HttpEntity;
import org.apache.http.HttpResponse;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.methods.RequestBuilder;
import org.apache.http.concurrent.FutureCallback;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.conn.SystemDefaultRoutePlanner;
import org.apache.http.impl.nio.client.CloseableHttpAsyncClient;
import org.apache.http.impl.nio.client.HttpAsyncClients;
import org.apache.http.nio.client.methods.HttpAsyncMethods;
import org.apache.http.nio.conn.ssl.SSLIOSessionStrategy;
import org.apache.http.nio.protocol.BasicAsyncResponseConsumer;
import org.apache.http.util.EntityUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Apache HttpAsyncClient 4.1, the transport of the Elasticsearch low-level REST client; one started
 * client per option set:
 * <ul>
 *   <li>DEFAULT: {@code useSystemProperties()};</li>
 *   <li>NO_PROXY: the builder's own default route planner (no proxy) with the application's TLS
 *       strategy;</li>
 *   <li>DIRECT_SELECTOR: {@code SystemDefaultRoutePlanner} with a selector that answers DIRECT.</li>
 * </ul>
 * {@link #execute} blocks on {@code execute(request, callback)}'s future; {@link #executeAsync} uses
 * the producer/consumer overload with a {@link FutureCallback}, as the REST client does. Circular
 * redirects are allowed so the library runs into its redirect limit (50).
 */
public final class ApacheHttpAsyncClient4Adapter implements ClientAdapter {

    private static final RequestConfig BASE = RequestConfig.custom()
            .setCircularRedirectsAllowed(true)
            .setConnectTimeout(5000)
            .build();

    private final Map<ClientOptions.ProxyChoice, CloseableHttpAsyncClient> clients = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "apache-httpasyncclient";
    }

    @Override
    public int maxRedirects() {
        return 50; // RequestConfig.maxRedirects default
    }

    private CloseableHttpAsyncClient client(ClientOptions.ProxyChoice choice) {
        return clients.computeIfAbsent(choice, c -> {
            CloseableHttpAsyncClient client;
            switch (c) {
                case NO_PROXY:
                    client = HttpAsyncClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .setSSLStrategy(SSLIOSessionStrategy.getSystemDefaultStrategy())
                            .build();
                    break;
                case DIRECT_SELECTOR:
                    client = HttpAsyncClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .setSSLStrategy(SSLIOSessionStrategy.getSystemDefaultStrategy())
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

    private static HttpUriRequest request(ContractRequest r) {
        RequestBuilder b = RequestBuilder.create(r.method()).setUri(r.url());
        r.headers().forEach(b::addHeader);
        if (r.body() != null) {
            b.setEntity(new StringEntity(r.body(), ContentType.create("text/plain", StandardCharsets.UTF_8)));
        }
        if (r.options().readTimeoutMillis() > 0) {
            b.setConfig(RequestConfig.copy(BASE).setSocketTimeout(r.options().readTimeoutMillis()).build());
        }
        return b.build();
    }

    private static ContractResponse toResponse(HttpResponse response) throws IOException {
        HttpEntity entity = response.getEntity();
        String body = entity == null ? "" : EntityUtils.toString(entity, StandardCharsets.UTF_8);
        return new ContractResponse(response.getStatusLine().getStatusCode(), body,
                response.getStatusLine().getProtocolVersion().toString());
    }

    @Override
    public ContractResponse execute(ContractRequest r) throws Exception {
        return toResponse(client(r.options().proxyChoice()).execute(request(r), null).get());
    }

    @Override
    public CompletableFuture<ContractResponse> executeAsync(ContractRequest r) {
        CompletableFuture<ContractResponse> result = new CompletableFuture<>();
        client(r.options().proxyChoice()).execute(HttpAsyncMethods.create(request(r)), new BasicAsyncResponseConsumer(),
                new FutureCallback<HttpResponse>() {
                    @Override
                    public void completed(HttpResponse response) {
                        try {
                            result.complete(toResponse(response));
                        } catch (IOException | RuntimeException e) {
                            result.completeExceptionally(e);
                        }
                    }

                    @Override
                    public void failed(Exception e) {
                        result.completeExceptionally(e);
                    }

                    @Override
                    public void cancelled() {
                        result.cancel(false);
                    }
                });
        return result;
    }

    @Override
    public void close() throws IOException {
        for (CloseableHttpAsyncClient c : clients.values()) {
            c.close();
        }
    }
}
