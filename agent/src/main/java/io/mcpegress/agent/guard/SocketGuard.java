package io.mcpegress.agent.guard;

import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.RequestTarget;
import io.mcpegress.agent.policy.Decision;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.policy.PolicyRequest;
import io.mcpegress.agent.routing.HostPatterns;
import io.mcpegress.agent.routing.ProxyEndpoint;
import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.McpContextHolder;
import io.mcpegress.bootstrap.SocketGuardHooks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * The socket-level backstop. Called before every outbound TCP connect of the JVM; a connection is
 * fine when it goes to the proxy, an audit sink, a bypass host, or (without a proxy) a destination
 * the policy allows, or when the client layer has already audited its destination (monitor mode).
 * Anything else is refused (enforce) or let through (monitor), and reported once with route
 * {@code uninstrumented} and the class that opened it.
 *
 * <p>Runs inside {@code Socket.connect} on application threads: no DNS, no I/O, no locks; the
 * stack is only walked for a connection that is reported.
 */
public final class SocketGuard implements SocketGuardHooks.Guard {

    static final String ROUTE = "uninstrumented";
    static final String RULE = "socket-guard";
    static final String RULESET = "builtin";
    static final String REASON = "uninstrumented";

    private final boolean enforce;
    private final ProxyEndpoint proxy;
    private final Set<InetAddress> proxyAddresses;
    private final HostPatterns bypass;
    private final Policy policy;
    private final Set<InetSocketAddress> sinkEndpoints;
    private final ClientLayerDestinations clientLayer;
    private final AuditPipeline pipeline;
    private final ThreadLocal<Boolean> inside = new ThreadLocal<>();

    SocketGuard(boolean enforce, ProxyEndpoint proxy, Set<InetAddress> proxyAddresses, HostPatterns bypass,
                Policy policy, Set<InetSocketAddress> sinkEndpoints, ClientLayerDestinations clientLayer,
                AuditPipeline pipeline) {
        this.enforce = enforce;
        this.proxy = proxy;
        this.proxyAddresses = proxyAddresses;
        this.bypass = bypass;
        this.policy = policy;
        this.sinkEndpoints = sinkEndpoints;
        this.clientLayer = clientLayer;
        this.pipeline = pipeline;
    }

    @Override
    public EgressDeniedException checkConnect(String kind, SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress) || Thread.currentThread().getName().startsWith("mcp-egress-")
                || inside.get() != null) {
            return null;
        }
        inside.set(Boolean.TRUE);
        try {
            return check(kind, (InetSocketAddress) remote);
        } finally {
            inside.remove();
        }
    }

    private EgressDeniedException check(String kind, InetSocketAddress remote) {
        if (sinkEndpoints.contains(remote)) {
            return null;
        }
        String host = remote.getHostString();
        InetAddress address = remote.getAddress();
        String ip = address == null ? null : address.getHostAddress();
        Decision decision = null;
        if (proxy != null) {
            if (isProxy(remote, host, address) || bypass.matches(host) || (ip != null && bypass.matches(ip))) {
                return null;
            }
            if (!enforce && clientLayer.contains(remote)) {
                return null;
            }
        } else {
            if (address == null) {
                return null; // unresolved: the connect fails by itself, nothing leaves
            }
            if (!enforce && clientLayer.contains(remote)) {
                return null;
            }
            decision = policy.decideResolved(PolicyRequest.builder().scheme("tcp").host(ip).port(remote.getPort())
                    .method("CONNECT").build(), address);
            if (decision.allowed()) {
                return null;
            }
        }
        return report(kind, remote, host, ip, decision);
    }

    private boolean isProxy(InetSocketAddress remote, String host, InetAddress address) {
        if (remote.getPort() != proxy.port()) {
            return false;
        }
        return address != null ? proxyAddresses.contains(address) : host.equalsIgnoreCase(proxy.host());
    }

    private EgressDeniedException report(String kind, InetSocketAddress remote, String host, String ip,
                                         Decision decision) {
        String rule = decision == null ? RULE : decision.rule();
        String ruleset = decision == null ? RULESET : decision.ruleset();
        String reason = decision == null ? REASON : decision.reason().wireName();
        String caller = callerClass().orElse("unknown");
        String destination = NetworkText.hostPort(ip != null ? ip : host, remote.getPort());
        EgressDeniedException denied = enforce ? new EgressDeniedException("mcp-egress-agent denied " + kind
                + " connect to " + destination + (ip != null && !ip.equals(host) ? " (" + host + ")" : "")
                + " from " + caller + ": rule '" + rule + "' (ruleset " + ruleset + ", reason " + reason + ")"
                + (decision == null ? " - not through the egress proxy " + proxy : ""), rule, reason) : null;
        pipeline.offer(AuditEvent.builder()
                .startEpochMillis(System.currentTimeMillis())
                .durationNanos(0)
                .client(kind)
                .method("CONNECT")
                .target(target(ip != null ? ip : host, remote.getPort()))
                .route(ROUTE)
                .denied(true)
                .enforced(enforce)
                .rule(rule, ruleset, reason)
                .error(denied)
                .caller(caller)
                .mcp(McpContextHolder.current())
                .build());
        return denied;
    }

    private static RequestTarget target(String host, int port) {
        try {
            return RequestTarget.of(new URI("tcp", null, host, port, null, null, null));
        } catch (Exception e) {
            return RequestTarget.of(host + ":" + port);
        }
    }

    /** The first frame outside the JDK and the agent: the class that opened the connection. */
    static Optional<String> callerClass() {
        return StackWalker.getInstance().walk(frames -> frames
                .map(StackWalker.StackFrame::getClassName)
                .filter(name -> !isJdkOrAgent(name))
                .findFirst());
    }

    static boolean isJdkOrAgent(String name) {
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.")
                || name.startsWith("io.mcpegress.agent.") || name.startsWith("io.mcpegress.bootstrap.")
                || name.startsWith("io.mcpegress.instrumentation.") || name.startsWith("io.mcpegress.shaded.")
                || name.startsWith("io.mcpegress.premain.") || name.startsWith("net.bytebuddy.");
    }

    /** IPv6-safe host:port. */
    static final class NetworkText {
        private NetworkText() {
        }

        static String hostPort(String host, int port) {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
