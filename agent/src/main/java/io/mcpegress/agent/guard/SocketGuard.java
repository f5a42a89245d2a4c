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
    private final boolean guardRaw;
    private final ThreadLocal<Boolean> inside = new ThreadLocal<>();

    SocketGuard(boolean enforce, ProxyEndpoint proxy, Set<InetAddress> proxyAddresses, HostPatterns bypass,
                Policy policy, Set<InetSocketAddress> sinkEndpoints, ClientLayerDestinations clientLayer,
                AuditPipeline pipeline) {
        this(enforce, proxy, proxyAddresses, bypass, policy, sinkEndpoints, clientLayer, pipeline, true);
    }

    /**
     * @param guardRaw without a proxy: whether connections no client instrumentation announced are
     *                 judged too (the operator asked for the guard), or only the connect-time check
     *                 of direct client-layer calls runs
     */
    SocketGuard(boolean enforce, ProxyEndpoint proxy, Set<InetAddress> proxyAddresses, HostPatterns bypass,
                Policy policy, Set<InetSocketAddress> sinkEndpoints, ClientLayerDestinations clientLayer,
                AuditPipeline pipeline, boolean guardRaw) {
        this.guardRaw = guardRaw;
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
        if (proxy != null && isProxy(remote, host, address)) {
            return null;
        }
        if (address == null) {
            // unresolved: the connect fails by itself unless it goes to the proxy by name (above)
            return proxy == null || bypass.matches(host) || (!enforce && clientLayer.contains(remote)) ? null
                    : report(kind, remote, host, null, null);
        }
        PolicyRequest exchange = clientLayer.directRequest(remote);
        if (exchange != null) {
            // a call the client layer allowed by name and sent direct: judge the address it resolved to
            // in the call's own context; a denial is recorded by the exchange itself (enforce)
            Decision d = policy.decideResolved(exchange, address);
            if (d.allowed()) {
                return null;
            }
            if (enforce) {
                return connectDenial(kind, remote, host, ip, d);
            }
            return report(kind, remote, host, ip, d);
        }
        boolean bypassed = proxy != null && (bypass.matches(host) || bypass.matches(ip));
        if (proxy == null && !guardRaw) {
            return null; // connect-time check only: raw connections are not policed without a proxy unless asked
        }
        if (!enforce && clientLayer.contains(remote)) {
            return null;
        }
        if (proxy == null || bypassed) {
            Decision d = policy.decideResolved(PolicyRequest.builder().scheme("tcp").host(host).port(remote.getPort())
                    .method("CONNECT").build(), address);
            if (d.allowed() || bypassed && !isAddressProtection(d)) {
                // a bypass host is direct by configuration: only the address protections (metadata,
                // private) can refuse it here; rules may name methods or paths a raw connect lacks
                return null;
            }
            return report(kind, remote, host, ip, d);
        }
        return report(kind, remote, host, ip, null);
    }

    private static boolean isAddressProtection(Decision d) {
        return d.reason() == Decision.Reason.METADATA || d.reason() == Decision.Reason.PRIVATE_ADDRESS;
    }

    /** The exception for a client-layer call refused at connect time; its exchange records the event. */
    private static EgressDeniedException connectDenial(String kind, InetSocketAddress remote, String host, String ip,
                                                       Decision d) {
        return new EgressDeniedException("mcp-egress-agent denied " + kind + " connect to "
                + NetworkText.hostPort(ip, remote.getPort()) + (ip.equals(host) ? "" : " (" + host + ")")
                + " at connect time: rule '" + d.rule() + "' (ruleset " + d.ruleset() + ", reason "
                + d.reason().wireName() + ")" + (d.message() == null ? "" : " - " + d.message()),
                d.rule(), d.ruleset(), d.reason().wireName(), true);
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
                + (decision == null ? " - not through the egress proxy " + proxy : ""), rule, ruleset, reason, false)
                : null;
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
