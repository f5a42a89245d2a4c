package io.mcpegress.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Makes one GET with the JDK HttpClient and exits: the start-up benchmark's whole program. */
public final class StartupProbe {

    public static void main(String[] args) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(args[0])).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            System.exit(2);
        }
        System.exit(0);
    }
}
