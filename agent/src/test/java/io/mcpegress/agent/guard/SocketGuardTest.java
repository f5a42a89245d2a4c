package io.mcpegress.agent.guard;

import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.DiscardingSink;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.policy.PolicyRequest;
import io.mcpegress.agent.routing.HostPatterns;
import io.mcpegress.agent.routing.ProxyEndpoint;
import io.mcpegress.bootstrap.EgressDeniedException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class SocketGuardTest {

    private final AuditPipeline pipeline = DiscardingSink.pipeline();
    private final ClientLayerDestinations clientLayer = new ClientLayerDestinations();

    private SocketGuard withProxy(boolean enforce) throws Exception {
        return new SocketGuard(enforce, ProxyEndpoint.parse("http://127.0.0.1:3128"),
                Set.of(InetAddress.getByName("127.0.0.1")), HostPatterns.parse("bypassed.test,10.0.0.0/8"),
                Policy.builder().build(), Set.of(new InetSocketAddress("127.0.0.1", 6514)), clientLayer, pipeline);
    }

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void proxySinksAndBypassAreFineEverythingElseIsRefused() throws Exception {
        SocketGuard guard = withProxy(true);
        assertThat(guard.checkConnect("socket", at("127.0.0.1", 3128))).isNull();
        assertThat(guard.checkConnect("socket", InetSocketAddress.createUnresolved("127.0.0.1", 3128))).isNull();
        assertThat(guard.checkConnect("socket", at("127.0.0.1", 6514))).isNull();
        assertThat(guard.checkConnect("socket", at("10.1.2.3", 443))).isNull();
        assertThat(guard.checkConnect("socket", new InetSocketAddress(InetAddress.getByAddress("bypassed.test",
                new byte[] {(byte) 192, 0, 2, 1}), 443))).isNull();
        assertThat(pipeline.offeredCount()).isZero();

        EgressDeniedException denied = guard.checkConnect("socket", at("127.0.0.1", 8080));
        assertThat(denied).isNotNull();
        assertThat(denied.getMessage()).contains("mcp-egress-agent denied socket connect to 127.0.0.1:8080")
                .contains(" from org.junit.").contains("'socket-guard'"); // this test class is in the agent package
        assertThat(denied.rule()).isEqualTo("socket-guard");
        assertThat(pipeline.offeredCount()).isEqualTo(1);
    }

    @Test
    void monitorAllowsAndReportsButNotWhatTheClientLayerAudited() throws Exception {
        SocketGuard guard = withProxy(false);
        assertThat(guard.checkConnect("socket-channel", at("127.0.0.1", 8080))).isNull();
        assertThat(pipeline.offeredCount()).isEqualTo(1);
        clientLayer.recordUrl(URI.create("http://127.0.0.1:8080/x"));
        assertThat(guard.checkConnect("socket-channel", at("127.0.0.1", 8080))).isNull();
        assertThat(pipeline.offeredCount()).isEqualTo(1);
    }

    @Test
    void agentThreadsAreNeverChecked() throws Exception {
        SocketGuard guard = withProxy(true);
        AtomicReference<EgressDeniedException> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                result.set(guard.checkConnect("socket", at("127.0.0.1", 8080)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "mcp-egress-http-sink");
        t.start();
        t.join();
        assertThat(result.get()).isNull();
        assertThat(pipeline.offeredCount()).isZero();
    }

    @Test
    void withoutProxyThePolicyDecides() throws Exception {
        SocketGuard guard = new SocketGuard(true, null, Set.of(), HostPatterns.empty(),
                Policy.builder().deny("192.0.2.0/24").build(), Set.of(), clientLayer, pipeline);
        assertThat(guard.checkConnect("socket", at("198.51.100.7", 443))).isNull();
        EgressDeniedException denied = guard.checkConnect("socket", at("192.0.2.9", 443));
        assertThat(denied).isNotNull();
        assertThat(denied.getMessage()).contains("192.0.2.9:443").contains("192.0.2.0/24");
    }

    private static InetSocketAddress named(String name, String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(name, InetAddress.getByName(ip).getAddress()), port);
    }

    private static PolicyRequest get(String host, int port) {
        return PolicyRequest.builder().scheme("http").host(host).port(port).method("GET").path("/x").build();
    }

    @Test
    void aBypassedCallWhoseNameResolvesToAPrivateAddressIsDeniedAtConnectTimeAndLeftToItsExchangeToRecord()
            throws Exception {
        SocketGuard guard = new SocketGuard(true, ProxyEndpoint.parse("http://127.0.0.1:3128"),
                Set.of(InetAddress.getByName("127.0.0.1")), HostPatterns.parse("rebind.test,ok.test"),
                Policy.builder().blockPrivate(true).build(), Set.of(), clientLayer, pipeline);
        clientLayer.recordDirect(get("rebind.test", 8080));
        EgressDeniedException denied = guard.checkConnect("socket", named("rebind.test", "127.0.0.1", 8080));
        assertThat(denied).isNotNull();
        assertThat(denied.late()).isTrue();
        assertThat(denied.rule()).isEqualTo("block-private");
        assertThat(denied.ruleset()).isEqualTo("builtin");
        assertThat(denied.reason()).isEqualTo("private-address");
        assertThat(denied.getMessage()).contains("127.0.0.1:8080 (rebind.test) at connect time");
        assertThat(pipeline.offeredCount()).as("the exchange records it, not the guard").isZero();

        clientLayer.recordDirect(get("ok.test", 443));
        assertThat(guard.checkConnect("socket", named("ok.test", "198.51.100.7", 443))).isNull();
    }

    @Test
    void aRawConnectionToABypassHostMeetsOnlyTheAddressProtections() throws Exception {
        SocketGuard guard = new SocketGuard(true, ProxyEndpoint.parse("http://127.0.0.1:3128"),
                Set.of(InetAddress.getByName("127.0.0.1")), HostPatterns.parse("rebind.test,db.test"),
                Policy.builder().blockPrivate(true).deny("db.test").build(), Set.of(), clientLayer, pipeline);
        EgressDeniedException denied = guard.checkConnect("socket", named("rebind.test", "10.1.2.3", 5432));
        assertThat(denied).isNotNull();
        assertThat(denied.late()).isFalse();
        assertThat(denied.reason()).isEqualTo("private-address");
        assertThat(pipeline.offeredCount()).as("nobody else records a raw connection").isEqualTo(1);
        assertThat(guard.checkConnect("socket", named("db.test", "198.51.100.7", 5432)))
                .as("a deny rule may be scoped to methods or paths a raw connect lacks").isNull();
    }

    @Test
    void withoutProxyAndNotAskedForOnlyDirectClientCallsAreCheckedAtConnectTime() throws Exception {
        SocketGuard guard = new SocketGuard(true, null, Set.of(), HostPatterns.empty(),
                Policy.builder().blockPrivate(true).build(), Set.of(), clientLayer, pipeline, false);
        assertThat(guard.checkConnect("socket", at("127.0.0.1", 5432))).as("raw connections are not policed").isNull();
        clientLayer.recordDirect(get("rebind.test", 8080));
        assertThat(guard.checkConnect("socket-channel", named("rebind.test", "127.0.0.1", 8080))).isNotNull();
        assertThat(guard.checkConnect("socket-channel", named("other.test", "127.0.0.1", 8080))).isNull();
    }

    @Test
    void monitorReportsAConnectTimeDenialOfAClientCallOnce() throws Exception {
        SocketGuard guard = new SocketGuard(false, null, Set.of(), HostPatterns.empty(),
                Policy.builder().blockMetadata(true).build(), Set.of(), clientLayer, pipeline, false);
        clientLayer.recordDirect(get("meta.test", 80));
        assertThat(guard.checkConnect("socket", named("meta.test", "169.254.169.254", 80))).isNull();
        assertThat(pipeline.offeredCount()).isEqualTo(1);
    }

    @Test
    void callerIsTheFirstFrameOutsideTheJdkAndTheAgent() {
        assertThat(SocketGuard.isJdkOrAgent("java.net.Socket")).isTrue();
        assertThat(SocketGuard.isJdkOrAgent("sun.nio.ch.SocketChannelImpl")).isTrue();
        assertThat(SocketGuard.isJdkOrAgent("io.mcpegress.bootstrap.SocketGuardHooks")).isTrue();
        assertThat(SocketGuard.isJdkOrAgent("io.netty.channel.socket.nio.NioSocketChannel")).isFalse();
        assertThat(SocketGuard.isJdkOrAgent("io.mcpegress.apps.jdk.SocketGuardApp")).isFalse();
    }
}
