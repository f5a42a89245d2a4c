package io.mcpegress.apps.jdk;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * HttpURLConnection behaviours applications rely on, recorded so the tests can compare a run under
 * the agent with a run without it: the results must be identical.
 * Args: {@code <base-url> <results-file>}.
 */
public final class HucSemanticsApp {

    private HucSemanticsApp() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        List<String> out = new ArrayList<>();

        // getOutputStream() turns a GET into a POST
        HttpURLConnection post = (HttpURLConnection) new URL(base + "/echo").openConnection();
        post.setDoOutput(true);
        try (OutputStream o = post.getOutputStream()) {
            o.write("body".getBytes(StandardCharsets.UTF_8));
        }
        out.add("implicit-post method=" + post.getRequestMethod() + " status=" + post.getResponseCode()
                + " echo=" + post.getHeaderField("X-Echo-Method") + " body=" + read(post.getInputStream()));

        // a 404: getResponseCode works, getInputStream throws, getErrorStream has the body
        HttpURLConnection notFound = (HttpURLConnection) new URL(base + "/status/404").openConnection();
        int code = notFound.getResponseCode();
        String thrown;
        try {
            notFound.getInputStream();
            thrown = "none";
        } catch (java.io.FileNotFoundException e) {
            thrown = "FileNotFoundException";
        }
        out.add("not-found status=" + code + " message=" + notFound.getResponseMessage() + " getInputStream=" + thrown
                + " error=" + read(notFound.getErrorStream()));

        // a 500 with the status asked twice and the headers read before the body
        HttpURLConnection error = (HttpURLConnection) new URL(base + "/status/500").openConnection();
        out.add("server-error status=" + error.getResponseCode() + " again=" + error.getResponseCode()
                + " length=" + error.getContentLengthLong() + " error=" + read(error.getErrorStream()));

        // redirects not followed when the application says so
        HttpURLConnection noFollow = (HttpURLConnection) new URL(base + "/redirect/1").openConnection();
        noFollow.setInstanceFollowRedirects(false);
        out.add("no-follow status=" + noFollow.getResponseCode() + " location=" + noFollow.getHeaderField("Location")
                .replaceAll("/s/[^/]+", ""));

        // headers first, then the stream, then disconnect
        HttpURLConnection ok = (HttpURLConnection) new URL(base + "/ok").openConnection();
        String type = ok.getContentType();
        out.add("ok type=" + type + " body=" + read(ok.getInputStream()));
        ok.disconnect();

        Files.write(Path.of(args[1]), out);
    }

    private static String read(InputStream in) throws java.io.IOException {
        if (in == null) {
            return "null";
        }
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
