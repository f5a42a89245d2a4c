package io.mcpegress.bootstrap.apache;

import io.mcpegress.bootstrap.EgressHooks;

import java.net.InetSocketAddress;
import java.net.Proxy;

/**
 * What the Apache HttpClient 5 advice needs besides the library's own API, kept out of the advice
 * so that the code inlined into the library's hot methods stays a few calls long (it is woven into
 * {@code ProtocolExec.execute} and the {@code Scope} constructors, run once per request). Lives on
 * the bootstrap class path and never touches a library type: the advice reads the library objects
 * and passes plain values.
 */
public final class HttpClient5Support {

    /** {@code InternalH2AsyncExecRuntime}: the HTTP/2-only async client, which cannot use a proxy. */
    private static final String H2_RUNTIME = "org.apache.hc.client5.http.impl.async.InternalH2AsyncExecRuntime";

    /** Client names of the classic and async exec stage classes: {@code prefix/version}, computed once per class. */
    private static final ClassValue<String> CLASSIC = new ClientName("apache-httpclient5");
    private static final ClassValue<String> ASYNC = new ClientName("apache-httpclient5-async");

    private HttpClient5Support() {
    }

    /**
     * The proxy a {@code Scope} must be built with instead of the route's own, or {@code null} to keep
     * the route: schemes other than http/https (custom socket factories), the HTTP/2-only client, a
     * direct (bypassed) destination, and a route that already goes through that proxy are left alone.
     *
     * @param scopeArguments every argument of the {@code Scope} constructor (to find the HTTP/2 runtime)
     * @param hopCount       {@code route.getHopCount()}
     * @param proxyName      the route's current proxy host name, or {@code null} when it has none
     * @param proxyPort      the route's current proxy port
     */
    public static InetSocketAddress proxyFor(Object[] scopeArguments, String scheme, String host, int port,
                                             int hopCount, String proxyName, int proxyPort) {
        try {
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
                return null;
            }
            if (scopeArguments != null) {
                for (Object argument : scopeArguments) {
                    if (argument != null && H2_RUNTIME.equals(argument.getClass().getName())) {
                        return null;
                    }
                }
            }
            Proxy proxy = EgressHooks.route("apache-httpclient5", scheme, host, port, null);
            if (proxy == null || proxy.type() != Proxy.Type.HTTP || !(proxy.address() instanceof InetSocketAddress)) {
                return null;
            }
            InetSocketAddress address = (InetSocketAddress) proxy.address();
            if (hopCount == 2 && proxyName != null && proxyPort == address.getPort()
                    && proxyName.equalsIgnoreCase(address.getHostString())) {
                return null; // already through our proxy: the same route object keeps the pool key
            }
            return address;
        } catch (Throwable t) {
            EgressHooks.adviceFailed(t);
            return null;
        }
    }

    /** {@code mcp.egress.client} of the classic client whose {@code ProtocolExec} is {@code protocolExec}. */
    public static String classicClient(Class<?> protocolExec) {
        return CLASSIC.get(protocolExec);
    }

    /** {@code mcp.egress.client} of the async client whose {@code AsyncProtocolExec} is {@code asyncProtocolExec}. */
    public static String asyncClient(Class<?> asyncProtocolExec) {
        return ASYNC.get(asyncProtocolExec);
    }

    /** The event's {@code http.version} for a response's protocol version, without building a string per call. */
    public static String httpVersion(int major, int minor) {
        if (major >= 2) {
            return major == 2 ? "2" : String.valueOf(major);
        }
        if (major == 1) {
            return minor == 1 ? "1.1" : minor == 0 ? "1.0" : "1." + minor;
        }
        return major + "." + minor;
    }

    /**
     * The denial a retry of a refused exchange must get again without a new event: {@code memo} is
     * the context attribute {@code {original request, URI, denial}} stored when it was refused.
     */
    public static Object repeatedDenial(Object memo, Object originalRequest, Object uri) {
        if (memo instanceof Object[]) {
            Object[] m = (Object[]) memo;
            if (m.length == 3 && m[0] == originalRequest && uri != null && uri.equals(m[1])) {
                return m[2];
            }
        }
        return null;
    }

    private static final class ClientName extends ClassValue<String> {
        private final String prefix;

        ClientName(String prefix) {
            this.prefix = prefix;
        }

        @Override
        protected String computeValue(Class<?> execClass) {
            Package library = execClass.getPackage();
            String version = library == null ? null : library.getImplementationVersion();
            return prefix + "/" + (version == null ? "unknown" : version);
        }
    }
}
