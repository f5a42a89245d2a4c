package io.mcpegress.apps.okhttp3;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ClientOptions;
import io.mcpegress.contract.ContractRequest;
import io.mcpegress.contract.ContractResponse;
import io.mcpegress.contract.DirectSelector;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

import java.io.IOException;
import java.net.Proxy;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * OkHttp 3.x, 4.x and 5.x: the okhttp4 and okhttp5 apps compile these same sources, which keep to
 * the Java API all three share (e.g. {@code RequestBody.create(MediaType, String)}). One client per
 * option set, all derived with {@code newBuilder()} from one base client
 * so they share its connection pool and dispatcher, as OkHttp recommends: the agent must neither
 * pile anything onto the shared builder state nor let one client's route leak into another's.
 */
public final class OkHttpAdapter implements ClientAdapter {

    private final OkHttpClient base = new OkHttpClient.Builder()
            .connectTimeout(5, TimeUnit.SECONDS)
            .build();
    private final Map<ClientOptions, OkHttpClient> clients = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "okhttp";
    }

    @Override
    public boolean negotiatesHttp2() {
        return true; // ALPN over TLS, also inside a CONNECT tunnel
    }

    @Override
    public int maxRedirects() {
        return 20; // RetryAndFollowUpInterceptor.MAX_FOLLOW_UPS
    }

    private OkHttpClient client(ClientOptions options) {
        return clients.computeIfAbsent(options, o -> {
            OkHttpClient.Builder b = base.newBuilder();
            switch (o.proxyChoice()) {
                case NO_PROXY -> b.proxy(Proxy.NO_PROXY);
                case DIRECT_SELECTOR -> b.proxySelector(new DirectSelector());
                default -> { }
            }
            if (o.readTimeoutMillis() > 0) {
                b.readTimeout(o.readTimeoutMillis(), TimeUnit.MILLISECONDS);
            }
            return b.build();
        });
    }

    private static Request request(ContractRequest r) {
        Request.Builder b = new Request.Builder().url(r.url());
        r.headers().forEach(b::header);
        RequestBody body = null;
        if (r.body() != null) {
            String type = r.headers().getOrDefault("Content-Type", "text/plain");
            MediaType contentType = MediaType.parse(type);
            body = RequestBody.create(contentType, r.body());
        }
        return b.method(r.method(), body).build();
    }

    private static ContractResponse toResponse(Response response) throws IOException {
        try (Response r = response) {
            ResponseBody body = r.body();
            return new ContractResponse(r.code(), body == null ? "" : body.string(),
                    r.protocol() == Protocol.HTTP_2 ? "HTTP/2" : "HTTP/1.1");
        }
    }

    @Override
    public ContractResponse execute(ContractRequest r) throws Exception {
        return toResponse(client(r.options()).newCall(request(r)).execute());
    }

    @Override
    public CompletableFuture<ContractResponse> executeAsync(ContractRequest r) {
        CompletableFuture<ContractResponse> result = new CompletableFuture<>();
        client(r.options()).newCall(request(r)).enqueue(new Callback() {
            @Override
            public void onFailure(Call call, IOException e) {
                result.completeExceptionally(e);
            }

            @Override
            public void onResponse(Call call, Response response) {
                try {
                    result.complete(toResponse(response));
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            }
        });
        return result;
    }

    @Override
    public void close() {
        // the dispatcher's threads are not daemons: without this the JVM idles a minute before exiting
        base.dispatcher().executorService().shutdown();
        base.connectionPool().evictAll();
    }
}
