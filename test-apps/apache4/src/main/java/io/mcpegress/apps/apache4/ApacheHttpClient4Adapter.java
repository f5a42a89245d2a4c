package io.mcpegress.apps.apache4;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ClientOptions;
import io.mcpegress.contract.ContractRequest;
import io.mcpegress.contract.ContractResponse;
import io.mcpegress.contract.DirectSelector;
import org.apache.http.HttpEntity;
import org.apache.http.HttpHost;
import org.apache.http.HttpResponse;
import org.apache.http.client.ResponseHandler;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.methods.RequestBuilder;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.entity.ContentType;
import org.apache.http.entity.StringEntity;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.impl.conn.SystemDefaultRoutePlanner;
import org.apache.http.util.EntityUtils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Apache HttpClient 4.x classic, one client per option set as an application would keep them:
 * <ul>
 *   <li>DEFAULT: {@code useSystemProperties()} (system proxy selector and trust store);</li>
 *   <li>NO_PROXY: the application's own {@code HttpRoutePlanner} that always answers "direct", and
 *       its own connection manager and TLS socket factory;</li>
 *   <li>DIRECT_SELECTOR: {@code SystemDefaultRoutePlanner} with a selector that answers DIRECT.</li>
 * </ul>
 * Circular redirects are allowed so that the library runs into its redirect limit (50), which the
 * contract's circular-redirect scenario measures; by default it would stop after two hops.
 * The same sources are compiled against the oldest supported 4.x (test app apache4-oldest).
 */
public final class ApacheHttpClient4Adapter implements ClientAdapter {

    private static final RequestConfig BASE = RequestConfig.custom()
            .setCircularRedirectsAllowed(true)
            .setConnectTimeout(5000)
            .build();

    private final Map<ClientOptions.ProxyChoice, CloseableHttpClient> clients = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "apache4-caller");
        t.setDaemon(true);
        return t;
    });

    @Override
    public String name() {
        return "apache-httpclient";
    }

    @Override
    public int maxRedirects() {
        return 50; // RequestConfig.maxRedirects default
    }

    private CloseableHttpClient client(ClientOptions.ProxyChoice choice) {
        return clients.computeIfAbsent(choice, c -> {
            switch (c) {
                case NO_PROXY:
                    return HttpClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .setConnectionManager(new PoolingHttpClientConnectionManager(
                                    RegistryBuilder.<ConnectionSocketFactory>create()
                                            .register("http", PlainConnectionSocketFactory.getSocketFactory())
                                            .register("https", SSLConnectionSocketFactory.getSystemSocketFactory())
                                            .build()))
                            .setRoutePlanner((target, request, context) -> {
                                boolean https = "https".equalsIgnoreCase(target.getSchemeName());
                                HttpHost withPort = target.getPort() > 0 ? target
                                        : new HttpHost(target.getHostName(), https ? 443 : 80, target.getSchemeName());
                                return new HttpRoute(withPort, null, https);
                            })
                            .build();
                case DIRECT_SELECTOR:
                    return HttpClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .setSSLSocketFactory(SSLConnectionSocketFactory.getSystemSocketFactory())
                            .setRoutePlanner(new SystemDefaultRoutePlanner(new DirectSelector()))
                            .build();
                default:
                    return HttpClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .useSystemProperties()
                            .build();
            }
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
        CloseableHttpClient client = client(r.options().proxyChoice());
        if (r.body() != null) {
            // the plain overload; the response is the caller's to close
            try (CloseableHttpResponse response = client.execute(request(r))) {
                return toResponse(response);
            }
        }
        // the ResponseHandler overload: the library consumes and releases the response
        ResponseHandler<ContractResponse> handler = ApacheHttpClient4Adapter::toResponse;
        return client.execute(request(r), handler);
    }

    @Override
    public CompletableFuture<ContractResponse> executeAsync(ContractRequest r) {
        // the classic client has no async API: applications run it on an executor
        return CompletableFuture.supplyAsync(() -> {
            try {
                return execute(r);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }, executor);
    }

    @Override
    public void close() throws IOException {
        for (CloseableHttpClient c : clients.values()) {
            c.close();
        }
        executor.shutdownNow();
    }
}
