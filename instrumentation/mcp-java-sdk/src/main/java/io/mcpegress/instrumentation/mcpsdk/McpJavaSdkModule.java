package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;

import java.util.List;
import java.util.Set;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * MCP awareness for servers built with the official MCP Java SDK (1.x and 2.x): every outbound
 * call made while the server works on a JSON-RPC request carries that request's
 * {@link io.mcpegress.bootstrap.McpContext} (method, tool, request id, session, client, server,
 * traceparent) into policy and audit.
 *
 * <p>Hook points, all on the server side of a stateful session (stdio, SSE):
 * <ul>
 *   <li>{@code McpServerSession.handleIncomingRequest(JSONRPCRequest, McpTransportContext)}: the one
 *       method every request of a session goes through to reach its handler (initialize included).
 *       It only assembles the request's reactive pipeline, so the advice reads the request and the
 *       session's client info there and wraps the returned Mono as
 *       {@code Mono.defer(McpScopedSupplier)}.</li>
 *   <li>{@code reactor.core.publisher.MonoDefer.subscribe}: when that marked Mono is subscribed,
 *       the context is current for the whole synchronous subscription, which is where the handler
 *       runs (async tools) or hands its work to a scheduler (sync tools go to
 *       {@code Schedulers.boundedElastic()}).</li>
 *   <li>{@code McpServerSession}'s constructors register {@link io.mcpegress.bootstrap.McpContextHolder#TASK_WRAPPER}
 *       as Reactor's {@code Schedulers.onScheduleHook}: a task scheduled while a context is current
 *       runs with it, on whatever worker thread.</li>
 *   <li>{@code McpAsyncServer}'s constructors record the server's {@code serverInfo}.</li>
 *   <li>{@code ThreadPoolExecutor.execute}: a task submitted while a context is current runs with it
 *       (the JDK HttpClient's {@code sendAsync} continues on its executor's threads). Not yet:
 *       {@code ForkJoinPool} and {@code CompletableFuture}'s default async pool.</li>
 * </ul>
 * Types are matched by exact name only: a version whose class lacks a field the advice reads fails
 * the transformation, which the agent reports loudly, instead of being skipped silently (tool rules
 * of the policy depend on this context).
 */
public final class McpJavaSdkModule implements InstrumentationModule {

    static final String SERVER_SESSION = "io.modelcontextprotocol.spec.McpServerSession";
    static final String JSONRPC_REQUEST = "io.modelcontextprotocol.spec.McpSchema$JSONRPCRequest";
    static final String ASYNC_SERVER = "io.modelcontextprotocol.server.McpAsyncServer";
    static final String MONO_DEFER = "reactor.core.publisher.MonoDefer";
    static final String THREAD_POOL_EXECUTOR = "java.util.concurrent.ThreadPoolExecutor";

    @Override
    public String name() {
        return "mcp-java-sdk";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(
                TypeInstrumentation.of(named(SERVER_SESSION),
                        new AdviceBinding(named("handleIncomingRequest").and(takesArguments(2))
                                .and(takesArgument(0, named(JSONRPC_REQUEST))), HandleRequestAdvice.class.getName()),
                        new AdviceBinding(isConstructor(), RegisterScheduleHookAdvice.class.getName())),
                TypeInstrumentation.of(named(ASYNC_SERVER),
                        new AdviceBinding(isConstructor(), ServerInfoAdvice.class.getName())),
                TypeInstrumentation.of(named(MONO_DEFER),
                        new AdviceBinding(named("subscribe").and(takesArguments(1)), DeferSubscribeAdvice.class.getName())),
                TypeInstrumentation.of(named(THREAD_POOL_EXECUTOR),
                        new AdviceBinding(named("execute").and(takesArguments(1))
                                .and(takesArgument(0, named("java.lang.Runnable"))), ExecutorExecuteAdvice.class.getName())));
    }

    @Override
    public Set<String> jdkClassNames() {
        return Set.of(THREAD_POOL_EXECUTOR);
    }

    @Override
    public Set<String> jdkModulesNeedingBootstrapReads() {
        return Set.of("java.base");
    }
}
