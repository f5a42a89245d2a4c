package io.mcpegress.apps.jdk;

import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Makes N calls (alternating java.net.http and HttpURLConnection, some async and never awaited
 * for their body) and then leaves the JVM one of the ways a server does: {@code return} from main,
 * {@code System.exit}, or waiting to be killed with SIGTERM. The tests count exactly N events.
 *
 * <p>Args: {@code <return|exit|sigterm> <n> <url>}; for sigterm, {@code <ready-file>} is created
 * once all calls are done.
 */
public final class ExitApp {

    private ExitApp() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int n = Integer.parseInt(args[1]);
        String url = args[2];
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < n; i++) {
            String u = url + "?i=" + i;
            if (i % 2 == 0) {
                // the body is discarded unread: the exchange still counts
                client.send(HttpRequest.newBuilder(URI.create(u)).build(), HttpResponse.BodyHandlers.discarding());
            } else {
                HttpURLConnection c = (HttpURLConnection) new URL(u).openConnection();
                c.getResponseCode(); // body never read
            }
        }
        switch (mode) {
            case "return":
                return;
            case "exit":
                System.exit(0);
                break;
            case "sigterm":
                Files.writeString(Path.of(args[3]), "ready");
                Thread.sleep(60_000);
                break;
            default:
                throw new IllegalArgumentException(mode);
        }
    }
}
