package io.mcpegress.apps.apache4;

import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.util.EntityUtils;

/**
 * One call with the supported classic client and one with {@code HttpClients.createMinimal()},
 * which the agent does not instrument: the audit trail must name both libraries' fate
 * ({@code library-instrumented} and {@code library-unsupported}). Prints both status codes.
 *
 * <p>Args: {@code <url>}
 */
public final class MinimalClientApp {

    private MinimalClientApp() {
    }

    public static void main(String[] args) throws Exception {
        try (CloseableHttpClient normal = HttpClients.createDefault();
             CloseableHttpResponse r = normal.execute(new HttpGet(args[0] + "?client=default"))) {
            EntityUtils.consume(r.getEntity());
            System.err.println("default " + r.getStatusLine().getStatusCode());
        }
        try (CloseableHttpClient minimal = HttpClients.createMinimal();
             CloseableHttpResponse r = minimal.execute(new HttpGet(args[0] + "?client=minimal"))) {
            EntityUtils.consume(r.getEntity());
            System.err.println("minimal " + r.getStatusLine().getStatusCode());
        }
    }
}
