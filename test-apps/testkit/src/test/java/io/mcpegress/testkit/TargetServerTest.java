package io.mcpegress.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TargetServerTest {

    static TargetServer target;
    static final HttpClient NO_FOLLOW = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    static final HttpClient FOLLOW = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    @BeforeAll
    static void start() {
        target = TargetServer.start();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @BeforeEach
    void clear() {
        target.clear();
    }

    @Test
    void statusEndpointReturnsThatStatusWithContentLength() throws Exception {
        HttpResponse<String> notFound = get(NO_FOLLOW, target.httpUrl("/status/404"));
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("status 404");
        assertThat(notFound.headers().firstValue("Content-Length")).hasValue("10");

        assertThat(get(NO_FOLLOW, target.httpUrl("/status/503")).statusCode()).isEqualTo(503);
        HttpResponse<String> noContent = get(NO_FOLLOW, target.httpUrl("/status/204"));
        assertThat(noContent.statusCode()).isEqualTo(204);
        assertThat(noContent.body()).isEmpty();
    }

    @Test
    void redirectChainUsesRelativeLocationsAndEndsInDone() throws Exception {
        HttpResponse<String> first = get(NO_FOLLOW, target.httpUrl("/redirect/3"));
        assertThat(first.statusCode()).isEqualTo(302);
        assertThat(first.headers().firstValue("Location")).hasValue("/redirect/2");

        target.clear();
        HttpResponse<String> followed = get(FOLLOW, target.httpUrl("/redirect/3"));
        assertThat(followed.statusCode()).isEqualTo(200);
        assertThat(followed.body()).isEqualTo("done");
        assertThat(target.requests()).extracting(RecordedRequest::path)
                .containsExactly("/redirect/3", "/redirect/2", "/redirect/1", "/redirect/0");
    }

    @Test
    void circularRedirectsPointAtEachOther() throws Exception {
        assertThat(get(NO_FOLLOW, target.httpUrl("/circular/a")).headers().firstValue("Location"))
                .hasValue("/circular/b");
        HttpResponse<String> b = get(NO_FOLLOW, target.httpUrl("/circular/b"));
        assertThat(b.statusCode()).isEqualTo(302);
        assertThat(b.headers().firstValue("Location")).hasValue("/circular/a");
    }

    @Test
    void redirectToGoesToTheGivenAbsoluteUrl() throws Exception {
        String destination = target.httpsUrl("/landing");
        HttpResponse<String> response = get(NO_FOLLOW,
                target.httpUrl("/redirect-to?url=" + URLEncoder.encode(destination, StandardCharsets.UTF_8)));
        assertThat(response.statusCode()).isEqualTo(302);
        assertThat(response.headers().firstValue("Location")).hasValue(destination);

        HttpResponse<String> temporary = get(NO_FOLLOW, target.httpUrl("/redirect-to?status=307&url="
                + URLEncoder.encode(destination, StandardCharsets.UTF_8)));
        assertThat(temporary.statusCode()).isEqualTo(307);
    }

    @Test
    void echoDelayAndDefaultAndRecording() throws Exception {
        HttpResponse<String> echo = NO_FOLLOW.send(HttpRequest.newBuilder(target.httpUri("/echo?x=1"))
                        .header("X-Scenario", "echo")
                        .header("X-Multi", "one")
                        .header("X-Multi", "two")
                        .POST(HttpRequest.BodyPublishers.ofString("hello body")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(echo.statusCode()).isEqualTo(200);
        assertThat(echo.body()).isEqualTo("hello body");
        assertThat(echo.headers().firstValue("X-Echo-Method")).hasValue("POST");
        assertThat(echo.headers().firstValue("X-Remote-Address")).hasValue("127.0.0.1");

        RecordedRequest recorded = target.requestsFor("echo").get(0);
        assertThat(recorded.method()).isEqualTo("POST");
        assertThat(recorded.path()).isEqualTo("/echo");
        assertThat(recorded.query()).isEqualTo("x=1");
        assertThat(recorded.body()).isEqualTo("hello body");
        assertThat(recorded.protocol()).isEqualTo("HTTP/1.1");
        assertThat(recorded.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(recorded.headers().get("x-multi")).containsExactly("one", "two");
        assertThat(recorded.scenario()).isEqualTo("echo");

        long start = System.nanoTime();
        HttpResponse<String> delayed = get(NO_FOLLOW, target.httpUrl("/delay/200"));
        assertThat(delayed.statusCode()).isEqualTo(200);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(200);

        HttpResponse<String> other = get(NO_FOLLOW, target.httpUrl("/anything/else"));
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.body()).isEqualTo("ok");
        assertThat(target.requestsFor("nope")).isEmpty();
    }

    @Test
    void directHttpsOffersH2AndHttp11() throws Exception {
        HttpClient h2 = HttpClient.newBuilder().sslContext(TestCertificates.get().clientSslContext()).build();
        HttpResponse<String> response = get(h2, target.httpsUrl("/status/200"));
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);

        HttpClient h1 = HttpClient.newBuilder().sslContext(TestCertificates.get().clientSslContext())
                .version(HttpClient.Version.HTTP_1_1).build();
        assertThat(get(h1, target.httpsUrl("/status/200")).version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(target.requests()).extracting(RecordedRequest::protocol)
                .containsExactly("HTTP/2.0", "HTTP/1.1");
        assertThat(target.requests()).allSatisfy(r -> assertThat(r.scheme()).isEqualTo("https"));
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
