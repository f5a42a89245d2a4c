package io.mcpegress.apps.jdk;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Steady traffic for the audit delivery tests: {@code n} sequential GETs {@code <url>?i=0..n-1},
 * one every {@code interval} ms, each one's status checked. Writes the number of calls completed
 * to {@code progress-file} after each call and {@code done} at the end; then returns, or with
 * {@code wait} sleeps until the test kills it.
 *
 * <p>Args: {@code <n> <interval-ms> <url> <progress-file> <return|wait>}
 */
public final class SteadyTrafficApp {

    private SteadyTrafficApp() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        long interval = Long.parseLong(args[1]);
        String url = args[2];
        Path progress = Path.of(args[3]);
        HttpClient client = HttpClient.newHttpClient();
        long next = System.nanoTime();
        for (int i = 0; i < n; i++) {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url + "?i=" + i)).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("call " + i + " answered " + r.statusCode());
            }
            Files.writeString(progress, String.valueOf(i + 1));
            next += interval * 1_000_000L;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
            }
        }
        Files.writeString(progress, "done " + n);
        if (args[4].equals("wait")) {
            Thread.sleep(600_000);
        }
    }
}
