package io.mcpegress.apps.apache5;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ClientOptions;
import io.mcpegress.contract.ContractRequest;
import io.mcpegress.contract.ContractResponse;
import io.mcpegress.contract.DirectSelector;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.routing.RoutingSupport;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Apache HttpClient 5 classic, one client per option set:
 * <ul>
 *   <li>DEFAULT: {@code useSystemProperties()};</li>
 *   <li>NO_PROXY: the application's own {@code HttpRoutePlanner} that always answers "direct", and
 *       its own connection manager and TLS socket factory;</li>
 *   <li>DIRECT_SELECTOR: {@code SystemDefaultRoutePlanner} with a selector that answers DIRECT.</li>
 * </ul>
 * Circular redirects are allowed so that the library runs into its redirect limit (50). The same
 * sources are compiled against 5.1 (test app apache5-1), so only API that 5.1 has is used here
 * (some of it deprecated in later releases).
 */
@SuppressWarnings("deprecation")
public final class ApacheHttpClient5Adapter implements ClientAdapter {

    private static final RequestConfig BASE = RequestConfig.custom()
            .setCircularRedirectsAllowed(true)
            .setConnectTimeout(5, TimeUnit.SECONDS)
            .build();

    private final Map<ClientOptions.ProxyChoice, CloseableHttpClient> clients = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "apache5-caller");
        t.setDaemon(true);
        return t;
    });

    @Override
    public String name() {
        return "apache-httpclient5";
    }

    @Override
    public int maxRedirects() {
        return 50; // RedirectExec's limit when RequestConfig sets none
    }

    private static HttpClientConnectionManager systemTrustConnectionManager() {
        return PoolingHttpClientConnectionManagerBuilder.create()
                .setSSLSocketFactory(SSLConnectionSocketFactory.getSystemSocketFactory())
                .setMaxConnPerRoute(20)
                .setMaxConnTotal(40)
                .build();
    }

    private CloseableHttpClient client(ClientOptions.ProxyChoice choice) {
        return clients.computeIfAbsent(choice, c -> {
            switch (c) {
                case NO_PROXY:
                    return HttpClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .setConnectionManager(systemTrustConnectionManager())
                            .setRoutePlanner((target, context) -> new HttpRoute(
                                    RoutingSupport.normalize(target, DefaultSchemePortResolver.INSTANCE), null,
                                    "https".equalsIgnoreCase(target.getSchemeName())))
                            .build();
                case DIRECT_SELECTOR:
                    return HttpClients.custom()
                            .setDefaultRequestConfig(BASE)
                            .setConnectionManager(systemTrustConnectionManager())
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

    private static HttpUriRequestBase request(ContractRequest r) {
        HttpUriRequestBase request = new HttpUriRequestBase(r.method(), URI.create(r.url()));
        r.headers().forEach(request::addHeader);
        if (r.body() != null) {
            request.setEntity(new StringEntity(r.body(), ContentType.TEXT_PLAIN));
        }
        if (r.options().readTimeoutMillis() > 0) {
            request.setConfig(RequestConfig.copy(BASE)
                    .setResponseTimeout(Timeout.ofMilliseconds(r.options().readTimeoutMillis())).build());
        }
        return request;
    }

    private static ContractResponse toResponse(ClassicHttpResponse response) throws IOException {
        HttpEntity entity = response.getEntity();
        String body;
        try {
            body = entity == null ? "" : EntityUtils.toString(entity);
        } catch (ParseException e) {
            throw new IOException(e);
        }
        return new ContractResponse(response.getCode(), body,
                response.getVersion() == null ? null : response.getVersion().format());
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
        // the response-handler overload: the library consumes and releases the response
        HttpClientResponseHandler<ContractResponse> handler = ApacheHttpClient5Adapter::toResponse;
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
