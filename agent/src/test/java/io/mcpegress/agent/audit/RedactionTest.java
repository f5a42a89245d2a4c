package io.mcpegress.agent.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "token=abc&page=2                 | token=REDACTED&page=2",
        "page=2&access_token=abc          | page=2&access_token=REDACTED",
        "API_KEY=1&x=2&client_secret=3    | API_KEY=REDACTED&x=2&client_secret=REDACTED",
        "X-Amz-Signature=ff&X-Amz-Date=1  | X-Amz-Signature=REDACTED&X-Amz-Date=REDACTED",
        "q=weather&lang=en                | q=weather&lang=en",
        "github_token=t&flag              | github_token=REDACTED&flag",
        "a%5Fkey=1                        | a%5Fkey=REDACTED",
        "password=&=x&&sig=1              | password=REDACTED&=x&&sig=REDACTED",
    })
    void secretQueryValuesAreMasked(String query, String expected) {
        assertThat(Redaction.redactQuery(query)).isEqualTo(expected);
    }

    @Test
    void inPlaceParameterNameCheckAgreesWithTheGeneralOne() {
        String[] names = {"", "q", "page", "token", "tokens", "access_token", "key", "keys", "monkey", "turkey", "_key",
            "a-key", "api-key", "apikey", "my.apikey", "x-amz-", "x-amz-date", "x-am", "sig", "sigs", "code", "zipcode",
            "session", "user_session", "sessionid", "jwt", "jwt2", "secret", "secrets", "mysecret", "passwd", "pwd",
            "pwd1", "credential", "credentials", "auth", "author", "signature", "API_KEY", "Token", "a%5Fkey", "a+key",
            "t\u0131ken", "x-amz-Date", "github_token", "password", "1", "-", "."};
        for (String name : names) {
            String query = "a=1&" + name + "=v&b=2";
            assertThat(Redaction.isSecretParamAt(query, 4, 4 + name.length())).as(name)
                    .isEqualTo(Redaction.isSecretParam(java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    @Test
    void redactedPartsAreBuiltOnDemandAndStable() {
        RequestTarget t = RequestTarget.of(URI.create("https://api.example.com/v1?q=1&api_key=abc"));
        assertThat(t.query()).isEqualTo("q=1&api_key=REDACTED").isSameAs(t.query());
        assertThat(t.full()).isEqualTo("https://api.example.com/v1?q=1&api_key=REDACTED").isSameAs(t.full());
        assertThat(RequestTarget.of(URI.create("https://api.example.com/v1")).query()).isNull();
        assertThat(RequestTarget.of(URI.create("https://api.example.com/v1?")).full()).isEqualTo("https://api.example.com/v1?");
    }

    /** The parts OkHttp hands over (instead of a URI) give exactly the target its URI would give. */
    @Test
    void urlPartsGiveTheSameTargetAsTheUri() {
        String[][] cases = {
            {"https", "api.example.com", "443", "/v1/a%20b", "q=1&api_key=abc", "bob"},
            {"http", "::1", "8080", "/", null, ""},
            {"http", "xn--bcher-kva.example", "80", "/x", "token=t", null},
        };
        for (String[] c : cases) {
            RequestTarget parts = RequestTarget.of(io.mcpegress.bootstrap.UrlParts.of(c[0], c[1], Integer.parseInt(c[2]),
                    c[3], c[4], c[5]));
            String host = c[1].contains(":") ? "[" + c[1] + "]" : c[1];
            String user = c[5] == null || c[5].isEmpty() ? "" : c[5] + ":pw@";
            RequestTarget uri = RequestTarget.of(URI.create(c[0] + "://" + user + host + ":" + c[2] + c[3]
                    + (c[4] == null ? "" : "?" + c[4])));
            assertThat(parts.full()).isEqualTo(uri.full());
            assertThat(parts.host()).isEqualTo(uri.host());
            assertThat(parts.port()).isEqualTo(uri.port());
            assertThat(parts.path()).isEqualTo(uri.path());
            assertThat(parts.query()).isEqualTo(uri.query());
            assertThat(parts.username()).isEqualTo(uri.username());
        }
    }

    @Test
    void secretHeadersAreRecognised() {
        for (String h : new String[] {"Authorization", "proxy-authorization", "Cookie", "Set-Cookie", "X-API-Key",
            "x-goog-api-key", "X-Auth-Token", "Private-Token"}) {
            assertThat(Redaction.isSecretHeader(h)).as(h).isTrue();
        }
        assertThat(Redaction.isSecretHeader("Accept")).isFalse();
    }

    @Test
    void targetsDropPasswordsAndFragmentsAndMaskQueries() throws Exception {
        RequestTarget t = RequestTarget.of(URI.create("HTTPS://bob:hunter2@API.Example.com/v1/x?key=s3cr3t&q=1#frag"));
        assertThat(t.full()).isEqualTo("https://api.example.com/v1/x?key=REDACTED&q=1");
        assertThat(t.username()).isEqualTo("bob");
        assertThat(t.port()).isEqualTo(443);
        assertThat(t.full()).doesNotContain("hunter2").doesNotContain("s3cr3t").doesNotContain("frag");

        RequestTarget u = RequestTarget.of(new URL("http://[::1]:8080"));
        assertThat(u.full()).isEqualTo("http://[::1]:8080/");
        assertThat(u.hostIsIp()).isTrue();
        assertThat(u.path()).isEqualTo("/");
    }

    @Test
    void oddInputNeverThrows() {
        assertThat(RequestTarget.of("not a url").scheme()).isEqualTo("unknown");
        assertThat(RequestTarget.of(null).scheme()).isEqualTo("unknown");
        assertThat(RequestTarget.of(URI.create("mailto:x@y")).full()).startsWith("mailto://");
    }
}
