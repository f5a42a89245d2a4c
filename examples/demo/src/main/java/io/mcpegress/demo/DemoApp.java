package io.mcpegress.demo;

import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The application in the demo: it knows nothing about the agent, and even asks for NO proxy.
 * Args: {@code <http-base> <https-base>}.
 */
public final class DemoApp {

    private DemoApp() {
    }

    public static void main(String[] args) throws Exception {
        String http = args[0];
        String https = args[1];
        HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        client.send(HttpRequest.newBuilder(URI.create(https + "/forecast?city=Denver&api_key=sk-live-123")).build(),
                HttpResponse.BodyHandlers.ofString());
        client.send(HttpRequest.newBuilder(URI.create(http + "/redirect/1")).build(), HttpResponse.BodyHandlers.ofString());
        client.sendAsync(HttpRequest.newBuilder(URI.create(https + "/status/404")).build(),
                HttpResponse.BodyHandlers.discarding()).join();
        HttpURLConnection c = (HttpURLConnection) new URL(http + "/echo").openConnection(Proxy.NO_PROXY);
        c.setDoOutput(true);
        c.getOutputStream().write("{\"q\":\"hello\"}".getBytes());
        c.getResponseCode();
    }
}
