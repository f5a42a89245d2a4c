package io.mcpegress.apps.jetty;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ContractRequest;
import io.mcpegress.contract.ContractResponse;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.StringRequestContent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Jetty HttpClient 12: a client no instrumentation covers. It opens its connections with
 * {@code SocketChannel}, so the socket guard is what stands between it and the network.
 */
public final class JettyClientAdapter implements ClientAdapter {

    private final HttpClient client = new HttpClient();

    public JettyClientAdapter() throws Exception {
        client.setConnectTimeout(5000);
        client.start();
    }

    @Override
    public String name() {
        return "jetty-client";
    }

    @Override
    public int maxRedirects() {
        return client.getMaxRedirects();
    }

    private Request request(ContractRequest r) {
        Request req = client.newRequest(r.url()).method(r.method()).timeout(10, TimeUnit.SECONDS);
        r.headers().forEach((k, v) -> req.headers(h -> h.put(k, v)));
        if (r.body() != null) {
            req.body(new StringRequestContent(r.headers().getOrDefault("Content-Type", "text/plain"), r.body()));
        }
        return req;
    }

    private static ContractResponse toResponse(ContentResponse response) {
        return new ContractResponse(response.getStatus(), response.getContentAsString(),
                response.getVersion().asString());
    }

    @Override
    public ContractResponse execute(ContractRequest r) throws Exception {
        return toResponse(request(r).send());
    }

    @Override
    public CompletableFuture<ContractResponse> executeAsync(ContractRequest r) {
        return new CompletableResponseListener(request(r)).send().thenApply(JettyClientAdapter::toResponse);
    }

    @Override
    public void close() throws Exception {
        client.stop();
    }
}
