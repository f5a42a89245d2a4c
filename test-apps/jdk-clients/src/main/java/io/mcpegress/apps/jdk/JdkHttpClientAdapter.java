package io.mcpegress.apps.jdk;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ClientOptions;
import io.mcpegress.contract.ContractRequest;
import io.mcpegress.contract.ContractResponse;
import io.mcpegress.contract.DirectSelector;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** {@code java.net.http.HttpClient}, one client per option set, as an application would keep them. */
public final class JdkHttpClientAdapter implements ClientAdapter {

    private final Map<ClientOptions.ProxyChoice, HttpClient> clients = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "jdk-httpclient";
    }

    @Override
    public boolean negotiatesHttp2() {
        return true;
    }

    @Override
    public int maxRedirects() {
        return 5; // jdk.httpclient.redirects.retrylimit default
    }

    private HttpClient client(ClientOptions options) {
        return clients.computeIfAbsent(options.proxyChoice(), choice -> {
            HttpClient.Builder b = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(5));
            switch (choice) {
                case NO_PROXY -> b.proxy(HttpClient.Builder.NO_PROXY);
                case DIRECT_SELECTOR -> b.proxy(new DirectSelector());
                default -> { }
            }
            return b.build();
        });
    }

    private static HttpRequest request(ContractRequest r) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(r.url()))
                .method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(r.body()));
        r.headers().forEach(b::header);
        if (r.options().readTimeoutMillis() > 0) {
            b.timeout(Duration.ofMillis(r.options().readTimeoutMillis()));
        }
        return b.build();
    }

    private static ContractResponse toResponse(HttpResponse<String> r) {
        return new ContractResponse(r.statusCode(), r.body(),
                r.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1");
    }

    @Override
    public ContractResponse execute(ContractRequest r) throws Exception {
        return toResponse(client(r.options()).send(request(r), HttpResponse.BodyHandlers.ofString()));
    }

    @Override
    public CompletableFuture<ContractResponse> executeAsync(ContractRequest r) {
        return client(r.options()).sendAsync(request(r), HttpResponse.BodyHandlers.ofString())
                .thenApply(JdkHttpClientAdapter::toResponse);
    }
}
