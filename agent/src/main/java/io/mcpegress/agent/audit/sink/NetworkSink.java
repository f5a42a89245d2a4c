package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditSink;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A sink that talks to the network. Its destinations are the agent's own traffic: the agent must
 * register them as internal (never audited, never routed through the egress proxy, always allowed
 * by the socket guard). Network sinks use plain {@link java.net.Socket}, {@link javax.net.ssl.SSLSocket}
 * and {@link java.nio.channels.DatagramChannel} only, never {@code java.net.http} or
 * {@code HttpURLConnection}, so the client-layer instrumentation never sees them; only a
 * socket-level guard needs {@link #endpoints()}.
 */
public interface NetworkSink extends AuditSink {

    /**
     * Every address this sink may connect or send to: the configured {@code host:port} unresolved
     * (for name-based checks) plus each address the name resolved to when the sink was built.
     */
    Set<InetSocketAddress> endpoints();

    /** {@code host:port} as configured, for logs and diagnostics. */
    String describeEndpoint();

    /** Resolution helper shared by the network sinks; never throws. */
    static Set<InetSocketAddress> resolve(String host, int port) {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        out.add(InetSocketAddress.createUnresolved(host, port));
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                out.add(new InetSocketAddress(a, port));
            }
        } catch (UnknownHostException | SecurityException e) {
            // an unresolvable name stays registered by name; the sink will report the failure when it sends
        }
        return Collections.unmodifiableSet(out);
    }

    /** {@code host:port} with IPv6 literals bracketed. */
    static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
