package io.mcpegress.apps.jdk;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ContractRequest;
import io.mcpegress.contract.ContractResponse;
import io.mcpegress.contract.DirectSelector;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * {@code HttpURLConnection}/{@code HttpsURLConnection}. A custom selector can only be installed
 * JVM-wide for this client, so that option swaps the default selector for the duration of the call.
 */
public final class HttpUrlConnectionAdapter implements ClientAdapter {

    private static final Object SELECTOR_LOCK = new Object();

    @Override
    public String name() {
        return "httpurlconnection";
    }

    @Override
    public int maxRedirects() {
        return 20; // http.maxRedirects default
    }

    @Override
    public ContractResponse execute(ContractRequest r) throws Exception {
        switch (r.options().proxyChoice()) {
            case NO_PROXY:
                return call(r, (HttpURLConnection) new URL(r.url()).openConnection(Proxy.NO_PROXY));
            case DIRECT_SELECTOR:
                synchronized (SELECTOR_LOCK) {
                    ProxySelector previous = ProxySelector.getDefault();
                    ProxySelector.setDefault(new DirectSelector());
                    try {
                        return call(r, (HttpURLConnection) new URL(r.url()).openConnection());
                    } finally {
                        ProxySelector.setDefault(previous);
                    }
                }
            default:
                return call(r, (HttpURLConnection) new URL(r.url()).openConnection());
        }
    }

    private static ContractResponse call(ContractRequest r, HttpURLConnection c) throws Exception {
        c.setRequestMethod(r.method());
        r.headers().forEach(c::setRequestProperty);
        c.setConnectTimeout(5000);
        if (r.options().readTimeoutMillis() > 0) {
            c.setReadTimeout(r.options().readTimeoutMillis());
        }
        if (r.body() != null) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(r.body().getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (in != null) {
            in.close();
        }
        return new ContractResponse(status, body, "HTTP/1.1");
    }

    @Override
    public CompletableFuture<ContractResponse> executeAsync(ContractRequest r) {
        // HttpURLConnection has no async API: applications run it on an executor
        return CompletableFuture.supplyAsync(() -> {
            try {
                return execute(r);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }
}
