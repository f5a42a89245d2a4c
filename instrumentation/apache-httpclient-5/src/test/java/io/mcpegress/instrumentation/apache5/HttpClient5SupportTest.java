package io.mcpegress.instrumentation.apache5;

import io.mcpegress.bootstrap.EgressDispatcher;
import io.mcpegress.bootstrap.EgressHooks;
import io.mcpegress.bootstrap.apache.HttpClient5Support;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Proxy;

import static org.assertj.core.api.Assertions.assertThat;

/** The bootstrap-side half of the Apache 5 advice: the route guard, the cached client name, the version strings. */
class HttpClient5SupportTest {

    private static final Proxy PROXY = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved("proxy.corp", 3128));

    @AfterEach
    void uninstall() {
        EgressHooks.install(null);
    }

    private static void routeEverythingThrough(Proxy proxy) {
        EgressHooks.install((EgressDispatcher) java.lang.reflect.Proxy.newProxyInstance(
                HttpClient5SupportTest.class.getClassLoader(), new Class<?>[] {EgressDispatcher.class},
                (self, method, args) -> method.getName().equals("route") ? proxy : null));
    }

    @Test
    void anHttpOrHttpsRouteIsSentThroughTheConfiguredProxy() {
        routeEverythingThrough(PROXY);
        assertThat(HttpClient5Support.proxyFor(new Object[] {"id", null}, "https", "api.example.com", 443, 1, null, -1))
                .isEqualTo(PROXY.address());
        assertThat(HttpClient5Support.proxyFor(null, "HTTP", "api.example.com", 80, 1, null, -1))
                .isEqualTo(PROXY.address());
    }

    @Test
    void aRouteAlreadyThroughTheProxyOtherSchemesAndAuditOnlyAreLeftAlone() {
        routeEverythingThrough(PROXY);
        assertThat(HttpClient5Support.proxyFor(null, "https", "api.example.com", 443, 2, "PROXY.corp", 3128)).isNull();
        assertThat(HttpClient5Support.proxyFor(null, "unix", "docker", -1, 1, null, -1)).isNull();
        routeEverythingThrough(null); // no proxy configured: audit only, the route stays the application's
        assertThat(HttpClient5Support.proxyFor(null, "https", "api.example.com", 443, 1, null, -1)).isNull();
        assertThat(EgressHooks.suppressedErrorCount()).isZero();
    }

    @Test
    void theReroutedRouteEqualsTheOneOfThePreviousRequestSoPooledConnectionsAreReused() {
        HttpHost target = new HttpHost("https", "api.example.com", 443);
        InetSocketAddress address = (InetSocketAddress) PROXY.address();
        // built per request, as the route advice does: equal values make the same pool key
        HttpRoute first = new HttpRoute(target, null, null, new HttpHost(address.getHostString(), address.getPort()), true);
        HttpRoute second = new HttpRoute(target, null, null, new HttpHost(address.getHostString(), address.getPort()), true);
        assertThat(second).isEqualTo(first).hasSameHashCodeAs(first);
    }

    @Test
    void theClientNameIsComputedOncePerClassAndVersionStringsAreConstants() {
        String name = HttpClient5Support.classicClient(CloseableHttpClient.class);
        assertThat(name).startsWith("apache-httpclient5/").isSameAs(HttpClient5Support.classicClient(CloseableHttpClient.class));
        assertThat(HttpClient5Support.asyncClient(CloseableHttpClient.class)).startsWith("apache-httpclient5-async/");
        assertThat(HttpClient5Support.httpVersion(1, 1)).isEqualTo("1.1");
        assertThat(HttpClient5Support.httpVersion(1, 0)).isEqualTo("1.0");
        assertThat(HttpClient5Support.httpVersion(2, 0)).isEqualTo("2");
    }

    @Test
    void onlyTheSameOriginalRequestToTheSameUriRepeatsADenial() {
        Object request = new Object();
        Object denial = new Object();
        Object[] memo = {request, java.net.URI.create("https://a.example/x"), denial};
        assertThat(HttpClient5Support.repeatedDenial(memo, request, java.net.URI.create("https://a.example/x"))).isSameAs(denial);
        assertThat(HttpClient5Support.repeatedDenial(memo, new Object(), java.net.URI.create("https://a.example/x"))).isNull();
        assertThat(HttpClient5Support.repeatedDenial(memo, request, java.net.URI.create("https://a.example/y"))).isNull();
        assertThat(HttpClient5Support.repeatedDenial("other", request, java.net.URI.create("https://a.example/x"))).isNull();
    }
}
