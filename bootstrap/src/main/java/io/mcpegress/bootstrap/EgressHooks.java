package io.mcpegress.bootstrap;

import java.net.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The static facade that advice calls. Every method swallows and counts its own failures: an
 * agent bug must never change what the application sees. (Deliberate denials are the one
 * exception and do not travel through here as failures.)
 */
public final class EgressHooks {

    private static volatile EgressDispatcher dispatcher = EgressDispatcher.NOOP;
    private static final AtomicLong suppressedErrors = new AtomicLong();
    private static volatile Throwable lastSuppressed;

    private EgressHooks() {
    }

    /** Called once by the agent after it has started. */
    public static void install(EgressDispatcher installed) {
        dispatcher = installed == null ? EgressDispatcher.NOOP : installed;
    }

    public static Proxy route(String client, String scheme, String host, int port, Proxy appProxy) {
        try {
            return dispatcher.route(client, scheme, host, port, appProxy);
        } catch (Throwable t) {
            adviceFailed(t);
            return appProxy;
        }
    }

    public static Object exchangeStart(String client, String method, Object url) {
        try {
            return dispatcher.exchangeStart(client, method, url);
        } catch (Throwable t) {
            adviceFailed(t);
            return null;
        }
    }

    public static void exchangeEnd(Object handle, int statusCode, String httpVersion, Throwable error) {
        if (handle == null) {
            return;
        }
        try {
            dispatcher.exchangeEnd(handle, statusCode, httpVersion, error);
        } catch (Throwable t) {
            adviceFailed(t);
        }
    }

    public static void exchangeEndWhenDone(Object handle, CompletableFuture<?> responseFuture) {
        if (handle == null || responseFuture == null) {
            return;
        }
        try {
            dispatcher.exchangeEndWhenDone(handle, responseFuture);
        } catch (Throwable t) {
            adviceFailed(t);
        }
    }

    public static Object currentExchange(Object owner) {
        try {
            return dispatcher.currentExchange(owner);
        } catch (Throwable t) {
            adviceFailed(t);
            return null;
        }
    }

    public static void setCurrentExchange(Object owner, Object handle) {
        try {
            dispatcher.setCurrentExchange(owner, handle);
        } catch (Throwable t) {
            adviceFailed(t);
        }
    }

    public static Object redirectFollowed(Object handle, int statusCode, String newMethod, Object newUrl) {
        if (handle == null) {
            return null;
        }
        try {
            return dispatcher.redirectFollowed(handle, statusCode, newMethod, newUrl);
        } catch (Throwable t) {
            adviceFailed(t);
            return null;
        }
    }

    public static void exchangeAttempted(Object handle) {
        if (handle == null) {
            return;
        }
        try {
            dispatcher.exchangeAttempted(handle);
        } catch (Throwable t) {
            adviceFailed(t);
        }
    }

    /** See {@link EgressDispatcher#denial}; never throws, and an agent failure never denies. */
    public static EgressDeniedException denial(Object handle) {
        if (handle == null) {
            return null;
        }
        try {
            return dispatcher.denial(handle);
        } catch (Throwable t) {
            adviceFailed(t);
            return null;
        }
    }

    /** See {@link EgressDispatcher#checkConnect}. */
    public static EgressDeniedException checkConnect(String client, String method, Object url) {
        try {
            return dispatcher.checkConnect(client, method, url);
        } catch (Throwable t) {
            adviceFailed(t);
            return null;
        }
    }

    /** See {@link EgressDispatcher#goesDirect}. */
    public static boolean goesDirect(Object handle) {
        if (handle == null) {
            return false;
        }
        try {
            return dispatcher.goesDirect(handle);
        } catch (Throwable t) {
            adviceFailed(t);
            return false;
        }
    }

    /** See {@link EgressDispatcher#hostHeaderDenial}; {@code null} when there is no Host header. */
    public static EgressDeniedException hostHeaderDenial(Object handle, String hostHeader) {
        if (handle == null || hostHeader == null) {
            return null;
        }
        try {
            return dispatcher.hostHeaderDenial(handle, hostHeader);
        } catch (Throwable t) {
            adviceFailed(t);
            return null;
        }
    }

    /**
     * Records a failure inside advice or the agent. Also the target of ByteBuddy's advice
     * exception handler, so a failure in the inlined advice code itself lands here too.
     */
    public static void adviceFailed(Throwable t) {
        suppressedErrors.incrementAndGet();
        lastSuppressed = t;
    }

    /** How many agent failures were swallowed to protect the application; tests assert zero. */
    public static long suppressedErrorCount() {
        return suppressedErrors.get();
    }

    public static Throwable lastSuppressedError() {
        return lastSuppressed;
    }
}
