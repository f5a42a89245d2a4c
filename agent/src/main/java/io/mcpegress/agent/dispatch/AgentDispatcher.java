package io.mcpegress.agent.dispatch;

import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.RequestTarget;
import io.mcpegress.agent.routing.Router;
import io.mcpegress.bootstrap.EgressDispatcher;

import java.net.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The agent side of {@link EgressDispatcher}: routes calls and turns exchanges into audit events.
 * Runs on application threads, so it only builds small objects and hands events to the queue.
 */
public final class AgentDispatcher implements EgressDispatcher {

    private final Router router;
    private final AuditPipeline pipeline;
    private final ClientNames clientNames;
    private final ThreadLocal<CurrentExchange> current = new ThreadLocal<>();

    public AgentDispatcher(Router router, AuditPipeline pipeline, ClientNames clientNames) {
        this.router = router;
        this.pipeline = pipeline;
        this.clientNames = clientNames;
    }

    @Override
    public Proxy route(String client, String scheme, String host, int port, Proxy appProxy) {
        return router.proxyFor(host, appProxy);
    }

    @Override
    public Object exchangeStart(String client, String method, Object url) {
        return start(clientNames.qualified(client), method, url, true);
    }

    private ExchangeRecord start(String qualifiedClient, String method, Object url, boolean attempted) {
        RequestTarget target = RequestTarget.of(url);
        Router.Route route = router.routeFor(target.host());
        String proxy = route == Router.Route.PROXY ? router.proxy().toString() : null;
        return new ExchangeRecord(qualifiedClient, method, target, route.wireName(), proxy, attempted);
    }

    @Override
    public void exchangeEnd(Object handle, int statusCode, String httpVersion, Throwable error) {
        ExchangeRecord r = (ExchangeRecord) handle;
        if (!r.markEnded() || !r.attempted) {
            return;
        }
        pipeline.offer(AuditEvent.builder()
                .startEpochMillis(r.startEpochMillis)
                .durationNanos(System.nanoTime() - r.startNanos)
                .client(r.client)
                .method(r.method)
                .target(r.target)
                .statusCode(Math.max(statusCode, 0))
                .httpVersion(statusCode > 0 ? httpVersion : null)
                .route(r.route)
                .proxy(r.proxy)
                // an HTTP error status is an answer, not a failure of the exchange
                .error(statusCode > 0 ? null : unwrap(error))
                .build());
    }

    @Override
    public void exchangeEndWhenDone(Object handle, CompletableFuture<?> responseFuture) {
        responseFuture.whenComplete((response, error) -> exchangeEnd(handle, JdkResponses.status(response),
                JdkResponses.version(response), error));
    }

    @Override
    public Object currentExchange(Object owner) {
        CurrentExchange c = current.get();
        while (c != null) {
            if (c.owner == owner) {
                return c.handle;
            }
            c = c.outer;
        }
        return null;
    }

    @Override
    public void setCurrentExchange(Object owner, Object handle) {
        CurrentExchange top = current.get();
        if (handle == null) {
            current.set(remove(top, owner));
            return;
        }
        for (CurrentExchange c = top; c != null; c = c.outer) {
            if (c.owner == owner) {
                c.handle = handle;
                return;
            }
        }
        current.set(new CurrentExchange(owner, handle, top));
    }

    private static CurrentExchange remove(CurrentExchange c, Object owner) {
        if (c == null) {
            return null;
        }
        if (c.owner == owner) {
            return c.outer;
        }
        c.outer = remove(c.outer, owner);
        return c;
    }

    @Override
    public Object redirectFollowed(Object handle, int statusCode, String newMethod, Object newUrl) {
        ExchangeRecord hop = (ExchangeRecord) handle;
        exchangeEnd(hop, statusCode, "1.1", null);
        return start(hop.client, newMethod, newUrl, false);
    }

    @Override
    public void exchangeAttempted(Object handle) {
        ((ExchangeRecord) handle).attempted = true;
    }

    private static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** Which exchange each connection object runs on this thread; almost always depth 1. */
    private static final class CurrentExchange {
        final Object owner;
        Object handle;
        CurrentExchange outer;

        CurrentExchange(Object owner, Object handle, CurrentExchange outer) {
            this.owner = owner;
            this.handle = handle;
            this.outer = outer;
        }
    }
}
