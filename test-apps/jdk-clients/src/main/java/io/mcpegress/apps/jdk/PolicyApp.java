package io.mcpegress.apps.jdk;

import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Calls each URL with both JDK clients (following redirects) and records what the application
 * saw: a status, or the exception. Args: {@code <results-file> <url>...}.
 */
public final class PolicyApp {

    private PolicyApp() {
    }

    public static void main(String[] args) throws Exception {
        List<String> out = new ArrayList<>();
        HttpClient jdk = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build();
        for (int i = 1; i < args.length; i++) {
            String url = args[i];
            try {
                int status = jdk.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                out.add("jdk-httpclient " + url + " status " + status);
            } catch (Exception e) {
                out.add("jdk-httpclient " + url + " " + e.getClass().getName() + " " + e.getMessage());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
                c.getInputStream().close(); // reading the body is where a failed redirect surfaces
                out.add("httpurlconnection " + url + " status " + c.getResponseCode());
            } catch (Exception e) {
                out.add("httpurlconnection " + url + " " + e.getClass().getName() + " " + e.getMessage());
            }
        }
        Files.write(Path.of(args[0]), out);
    }
}
