package io.mcpegress.bootstrap;

import java.net.SocketAddress;

/**
 * The static facade the socket-guard advice (woven into {@code java.net.Socket} and
 * {@code sun.nio.ch.SocketChannelImpl}) calls before every outbound TCP connect. Like
 * {@link EgressHooks}, it swallows and counts its own failures: an agent bug never denies a
 * connection.
 */
public final class SocketGuardHooks {

    /** What the agent implements; lives here so it only mentions JDK types. */
    public interface Guard {
        /**
         * @param kind   {@code socket}, {@code socket-channel} or {@code async-socket-channel}
         * @param remote the address the application connects to
         * @return the exception to fail the connect with (enforce mode), else {@code null}
         */
        EgressDeniedException checkConnect(String kind, SocketAddress remote);
    }

    private static volatile Guard guard;

    private SocketGuardHooks() {
    }

    /** Called once by the agent when the guard is on; {@code null} switches it off. */
    public static void install(Guard installed) {
        guard = installed;
    }

    public static EgressDeniedException checkConnect(String kind, SocketAddress remote) {
        Guard g = guard;
        if (g == null || remote == null) {
            return null;
        }
        try {
            return g.checkConnect(kind, remote);
        } catch (Throwable t) {
            EgressHooks.adviceFailed(t);
            return null;
        }
    }
}
