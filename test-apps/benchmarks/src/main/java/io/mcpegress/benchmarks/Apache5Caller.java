package io.mcpegress.benchmarks;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** LoadClient's Apache HttpClient 5 (classic) workload: one pooled client, keep-alive. */
final class Apache5Caller {

    private Apache5Caller() {
    }

    static LoadClient.Caller create(String url) {
        CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(16).setMaxConnPerRoute(16).build())
                .build();
        return () -> {
            byte[] body = client.execute(new HttpGet(url), response -> {
                if (response.getCode() != 200) {
                    throw new IllegalStateException("status " + response.getCode());
                }
                return EntityUtils.toByteArray(response.getEntity());
            });
            if (body.length == 0) {
                throw new IllegalStateException("empty body");
            }
        };
    }
}
