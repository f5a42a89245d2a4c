package io.mcpegress.agent.dispatch;

import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.RequestTarget;
import io.mcpegress.agent.policy.Decision;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.policy.PolicyRequest;
import io.mcpegress.agent.routing.Router;
import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressDispatcher;
import io.mcpegress.bootstrap.McpContext;
import io.mcpegress.bootstrap.McpContextHolder;

import java.net.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The agent side of {@link EgressDispatcher}: decides every exchange against the policy, routes
 * it, and turns it into an audit event. Runs on application threads, so it only builds small
 * objects and hands events to the queue.
 */
public final class AgentDispatcher implements EgressDispatcher {

    private static final String BLOCKED = "blocked";

    private final Router router;
    private final Policy policy;
    private final boolean enforce;
    private final AuditPipeline pipeline;
    private final ClientNames clientNames;
    private final ThreadLocal<CurrentExchange> current = new ThreadLocal<>();

    public AgentDispatcher(Router router, Policy policy, boolean enforce, AuditPipeline pipeline,
                           ClientNames clientNames) {
        this.router = router;
        this.policy = policy;
        this.enforce = enforce;
        this.pipeline = pipeline;
        this.clientNames = clientNames;
    }

    @Override
    public Proxy route(String client, String scheme, String host, int port, Proxy appProxy) {
        return router.proxyFor(host, appProxy);
    }

    @Override
    public Object exchangeStart(String client, String method, Object url) {
        return start(clientNames.qualified(client), method, url, true, McpContextHolder.current());
    }

    private ExchangeRecord start(String qualifiedClient, String method, Object url, boolean attempted, McpContext mcp) {
        RequestTarget target = RequestTarget.of(url);
        Decision decision = decide(method, target, mcp);
        boolean blocked = decision.denied() && enforce;
        Router.Route route = router.routeFor(target.host());
        String routeName = blocked ? BLOCKED : route.wireName();
        String proxy = !blocked && route == Router.Route.PROXY ? router.proxy().toString() : null;
        return new ExchangeRecord(qualifiedClient, method, target, routeName, proxy, decision, blocked, attempted, mcp);
    }

    private Decision decide(String method, RequestTarget target, McpContext mcp) {
        return policy.decide(PolicyRequest.of(target.scheme(), target.host() == null ? "" : target.host(),
                target.port(), method, target.path(), mcp == null ? null : mcp.toolName()));
    }

    @Override
    public EgressDeniedException denial(Object handle) {
        ExchangeRecord r = (ExchangeRecord) handle;
        if (!r.enforced) {
            return null;
        }
        EgressDeniedException denied = deniedException(r.method, r.target, r.decision);
        r.attempted = true; // the attempt is what the trail must show, though nothing was sent
        exchangeEnd(r, 0, null, denied);
        return denied;
    }

    @Override
    public EgressDeniedException hostHeaderDenial(Object handle, String hostHeader) {
        ExchangeRecord r = (ExchangeRecord) handle;
        Decision d = r.decision.allowed() ? HostHeaders.decide(policy, r, hostHeader) : null;
        if (d == null || d.allowed() || !enforce) {
            return null;
        }
        EgressDeniedException denied = HostHeaders.denied(r, hostHeader, d);
        r.attempted = true;
        exchangeEnd(r, 0, null, denied); // recorded as this exchange's denial (a late one)
        return denied;
    }

    @Override
    public EgressDeniedException checkConnect(String client, String method, Object url) {
        ExchangeRecord r = start(clientNames.qualified(client), method, url, true, McpContextHolder.current());
        return denial(r);
    }

    private static EgressDeniedException deniedException(String method, RequestTarget target, Decision d) {
        return new EgressDeniedException("mcp-egress-agent denied " + method + " " + target.full()
                + ": rule '" + d.rule() + "' (ruleset " + d.ruleset() + ", reason " + d.reason().wireName() + ")"
                + (d.message() == null ? "" : " - " + d.message()), d.rule(), d.reason().wireName());
    }

    @Override
    public void exchangeEnd(Object handle, int statusCode, String httpVersion, Throwable error) {
        ExchangeRecord r = (ExchangeRecord) handle;
        if (!r.markEnded() || !r.attempted) {
            return;
        }
        Decision d = r.decision;
        // denied after it started (socket guard at connect time, or its Host header): this exchange's event says so
        EgressDeniedException atConnect = statusCode > 0 ? null : EgressDeniedException.lateDenial(error);
        boolean late = atConnect != null;
        pipeline.offer(AuditEvent.exchange(
                r.startEpochMillis,
                System.nanoTime() - r.startNanos,
                r.client,
                r.method,
                r.target,
                Math.max(statusCode, 0),
                statusCode > 0 ? httpVersion : null,
                late ? BLOCKED : r.route,
                late ? null : r.proxy,
                d.denied() || late,
                r.enforced || late,
                late ? atConnect.rule() : d.rule(),
                late ? atConnect.ruleset() : d.ruleset(),
                late ? atConnect.reason() : d.reason().wireName(),
                // an HTTP error status is an answer, not a failure of the exchange
                statusCode > 0 ? null : late ? atConnect : unwrap(error),
                r.mcp));
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
        return start(hop.client, newMethod, newUrl, false, hop.mcp);
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
