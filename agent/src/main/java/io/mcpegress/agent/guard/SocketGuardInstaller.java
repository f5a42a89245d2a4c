package io.mcpegress.agent.guard;

import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.sink.FanOutSink;
import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigKey;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.routing.ProxyEndpoint;
import io.mcpegress.agent.routing.Router;
import io.mcpegress.agent.util.AgentLog;
import io.mcpegress.bootstrap.EgressDispatcher;
import io.mcpegress.bootstrap.SocketGuardHooks;
import io.mcpegress.instrumentation.api.InstrumentationModule;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Wires the socket guard into the agent. The guard is active when its mode is not {@code off} and
 * there is something to guard: a proxy (everything else must go through it) or an explicit policy
 * (allow/deny lists, a policy file, block-private). With neither, no connection is ever blocked
 * and the {@code socket-guard} instrumentation is not even woven.
 */
public final class SocketGuardInstaller {

    /** Name of the instrumentation module (instrumentation/socket-guard). */
    public static final String MODULE_NAME = "socket-guard";

    private final SocketGuardMode mode;
    private final boolean active;
    private final boolean guardRaw;
    private final ClientLayerDestinations clientLayer = new ClientLayerDestinations();

    private SocketGuardInstaller(SocketGuardMode mode, boolean active, boolean guardRaw) {
        this.mode = mode;
        this.active = active;
        this.guardRaw = guardRaw;
    }

    /** Validates {@code mcp.egress.socket-guard}; throws ConfigException like any other key. */
    public static SocketGuardInstaller fromConfig(AgentConfig config) {
        SocketGuardMode mode = SocketGuardMode.from(config);
        boolean policyConfigured = config.value(ConfigKey.ALLOW) != null || config.value(ConfigKey.DENY) != null
                || config.value(ConfigKey.POLICY_FILE) != null
                || "true".equalsIgnoreCase(String.valueOf(config.value(ConfigKey.BLOCK_PRIVATE)).trim());
        // Without a proxy the guard can only judge a raw connect by host and port, so rules limited to
        // methods or paths would refuse connections the client layer just allowed: it then runs only
        // when the operator asks for it explicitly (and writes host-level rules for it).
        String explicit = config.value(ConfigKey.SOCKET_GUARD);
        boolean explicitlyOn = explicit != null && !explicit.isBlank();
        // With a policy but no proxy the guard still runs the connect-time check of direct calls the
        // client layer allowed by name (a name that resolves to a private or metadata address).
        boolean proxy = config.proxy().isPresent();
        return new SocketGuardInstaller(mode, mode != SocketGuardMode.OFF && (proxy || policyConfigured),
                proxy || explicitlyOn);
    }

    public boolean active() {
        return active;
    }

    /** {@code enforce}, {@code monitor}, {@code off}, or {@code off (nothing to guard)}. */
    public String describe() {
        String m = mode.name().toLowerCase(Locale.ROOT);
        return active ? (guardRaw ? m : m + " (connect-time check of direct calls only: no proxy)")
                : mode == SocketGuardMode.OFF ? "off" : "off (no proxy)";
    }

    /**
     * Drops the socket-guard instrumentation when the guard is not active. The guarded JDK classes
     * are loaded and woven by the transformations ({@code SocketGuardModule.jdkClassNames()}).
     */
    public void filter(List<InstrumentationModule> modules) {
        if (!active) {
            modules.removeIf(m -> MODULE_NAME.equals(m.name()));
        }
    }

    /**
     * Installs the guard behind {@link SocketGuardHooks} and returns the dispatcher to install in
     * {@code EgressHooks}: {@code dispatcher} wrapped so the guard learns what the client layer audited.
     */
    public EgressDispatcher install(Router router, Policy policy, FanOutSink sinks, AuditPipeline pipeline,
                                    EgressDispatcher dispatcher) {
        if (!active) {
            return dispatcher;
        }
        ProxyEndpoint proxy = router.proxy();
        Set<InetAddress> proxyAddresses = new LinkedHashSet<>();
        if (proxy != null) {
            try {
                for (InetAddress a : InetAddress.getAllByName(proxy.host())) {
                    proxyAddresses.add(a);
                }
            } catch (UnknownHostException | SecurityException e) {
                AgentLog.warn("socket guard: cannot resolve proxy host " + proxy.host()
                        + "; connections to it are recognised by name only: " + e);
            }
        }
        SocketGuardHooks.install(new SocketGuard(mode == SocketGuardMode.ENFORCE, proxy, Set.copyOf(proxyAddresses),
                router.bypass(), policy, Set.copyOf(sinks.endpoints()), clientLayer, pipeline, guardRaw));
        return new TrackingDispatcher(dispatcher, clientLayer);
    }
}
