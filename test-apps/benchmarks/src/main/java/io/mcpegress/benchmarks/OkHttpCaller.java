package io.mcpegress.benchmarks;

import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.util.concurrent.TimeUnit;

/** LoadClient's OkHttp workload: one shared client, keep-alive, synchronous calls (a class of its own so
 * that the other workloads never load OkHttp). */
final class OkHttpCaller {

    private OkHttpCaller() {
    }

    static LoadClient.Caller create(String url) {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(64);
        dispatcher.setMaxRequestsPerHost(64);
        OkHttpClient client = new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(16, 5, TimeUnit.MINUTES))
                .build();
        Request request = new Request.Builder().url(url).get().build();
        return () -> {
            try (Response r = client.newCall(request).execute()) {
                if (r.code() != 200 || r.body() == null || r.body().bytes().length == 0) {
                    throw new IllegalStateException("status " + r.code());
                }
            }
        };
    }
}
