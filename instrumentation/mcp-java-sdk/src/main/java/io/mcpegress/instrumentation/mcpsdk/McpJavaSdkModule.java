package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;

import io.mcpegress.instrumentation.api.type.MethodShape;
import io.mcpegress.instrumentation.api.match.Matcher;

import java.util.List;
import java.util.Set;

import static io.mcpegress.instrumentation.api.match.Matchers.isBridge;
import static io.mcpegress.instrumentation.api.match.Matchers.isConstructor;
import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static io.mcpegress.instrumentation.api.match.Matchers.namedOneOf;
import static io.mcpegress.instrumentation.api.match.Matchers.not;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArgument;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArguments;

/**
 * MCP awareness for servers built with the official MCP Java SDK (1.x and 2.x): every outbound
 * call made while the server works on a JSON-RPC request carries that request's
 * {@link io.mcpegress.bootstrap.McpContext} (method, tool, request id, session, client, server,
 * traceparent) into policy and audit.
 *
 * <p>Hook points, all on the server side:
 * <ul>
 *   <li>{@code McpServerSession.handleIncomingRequest(JSONRPCRequest, McpTransportContext)} (stdio, SSE):
 *       the one method every request of a session goes through to reach its handler (initialize
 *       included). It only assembles the request's reactive pipeline, so the advice reads the request
 *       and the session's client info there and wraps the returned Mono as
 *       {@code Mono.defer(McpScopedSupplier)}.</li>
 *   <li>{@code McpStreamableServerSession.McpStreamableServerSessionStream.handle(JSONRPCRequest)}
 *       (streamable HTTP, one stream per POST, whichever transport made it): the same marking; the
 *       session id from the stream's outer session, its client from {@code McpSessionClients}, filled
 *       by the session's constructors. {@code initialize} itself is handled by the session factory
 *       and is not attributed.</li>
 *   <li>{@code DefaultMcpStatelessServerHandler.handleRequest(McpTransportContext, JSONRPCRequest)}
 *       (stateless HTTP): the same marking, without session or remembered client.</li>
 *   <li>{@code reactor.core.publisher.MonoDefer.subscribe}: when that marked Mono is subscribed,
 *       the context is current for the whole synchronous subscription, which is where the handler
 *       runs (async tools) or hands its work to a scheduler (sync tools go to
 *       {@code Schedulers.boundedElastic()}).</li>
 *   <li>The session classes' and the stateless handler's constructors register
 *       {@link io.mcpegress.bootstrap.McpContextHolder#TASK_WRAPPER} as Reactor's
 *       {@code Schedulers.onScheduleHook}: a task scheduled while a context is current runs with it.</li>
 *   <li>{@code McpAsyncServer}'s and {@code McpStatelessAsyncServer}'s constructors record the server's
 *       {@code serverInfo}.</li>
 *   <li>User-code thread hops, wrapped at submission (never inherited): {@code ThreadPoolExecutor.execute},
 *       {@code ScheduledThreadPoolExecutor.schedule} (where its execute/submit end),
 *       {@code ForkJoinPool.execute/submit} (plain tasks), {@code CompletableFuture.asyncSupplyStage /
 *       asyncRunStage} (every {@code supplyAsync}/{@code runAsync}, whatever the executor) and the
 *       {@code uni*Stage(Executor, fn)} (every {@code then*Async}, {@code handleAsync},
 *       {@code whenCompleteAsync}: the context of the caller that added the stage) and the
 *       {@code java.lang.VirtualThread} constructor (JDK 21+). Not covered: {@code ForkJoinTask}s
 *       forked or submitted as such, the two-source {@code *Async} stages ({@code thenCombineAsync},
 *       {@code applyToEitherAsync}, ...), periodic schedules, platform threads started by hand.</li>
 * </ul>
 * Types are matched by exact name only: a version whose class lacks a field the advice reads fails
 * the transformation, which the agent reports loudly, instead of being skipped silently (tool rules
 * of the policy depend on this context).
 */
public final class McpJavaSdkModule implements InstrumentationModule {

    static final String SERVER_SESSION = "io.modelcontextprotocol.spec.McpServerSession";
    static final String JSONRPC_REQUEST = "io.modelcontextprotocol.spec.McpSchema$JSONRPCRequest";
    static final String ASYNC_SERVER = "io.modelcontextprotocol.server.McpAsyncServer";
    static final String STATELESS_ASYNC_SERVER = "io.modelcontextprotocol.server.McpStatelessAsyncServer";
    static final String MONO_DEFER = "reactor.core.publisher.MonoDefer";
    static final String RUNNABLE = "java.lang.Runnable";
    static final String CALLABLE = "java.util.concurrent.Callable";
    static final String STREAMABLE_SESSION = "io.modelcontextprotocol.spec.McpStreamableServerSession";
    static final String STREAMABLE_STREAM = STREAMABLE_SESSION + "$McpStreamableServerSessionStream";
    static final String STATELESS_HANDLER = "io.modelcontextprotocol.server.DefaultMcpStatelessServerHandler";
    static final String TRANSPORT_CONTEXT = "io.modelcontextprotocol.common.McpTransportContext";
    static final String THREAD_POOL_EXECUTOR = "java.util.concurrent.ThreadPoolExecutor";
    static final String SCHEDULED_THREAD_POOL_EXECUTOR = "java.util.concurrent.ScheduledThreadPoolExecutor";
    static final String FORK_JOIN_POOL = "java.util.concurrent.ForkJoinPool";
    static final String COMPLETABLE_FUTURE = "java.util.concurrent.CompletableFuture";
    static final String VIRTUAL_THREAD = "java.lang.VirtualThread";

    @Override
    public String name() {
        return "mcp-java-sdk";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(
                TypeInstrumentation.of(SERVER_SESSION,
                        new AdviceBinding(named("handleIncomingRequest").and(takesArguments(2))
                                .and(takesArgument(0, named(JSONRPC_REQUEST))), HandleRequestAdvice.class.getName()),
                        new AdviceBinding(isConstructor(), RegisterScheduleHookAdvice.class.getName())),
                TypeInstrumentation.of(STREAMABLE_SESSION,
                        new AdviceBinding(isConstructor(), RegisterScheduleHookAdvice.class.getName()),
                        new AdviceBinding(isConstructor(), StreamableSessionClientAdvice.class.getName())),
                TypeInstrumentation.of(STREAMABLE_STREAM,
                        new AdviceBinding(named("handle").and(takesArguments(1))
                                .and(takesArgument(0, named(JSONRPC_REQUEST))), StreamableHandleAdvice.class.getName())),
                TypeInstrumentation.of(STATELESS_HANDLER,
                        new AdviceBinding(named("handleRequest").and(takesArguments(2))
                                .and(takesArgument(0, named(TRANSPORT_CONTEXT)))
                                .and(takesArgument(1, named(JSONRPC_REQUEST))), StatelessHandleRequestAdvice.class.getName()),
                        new AdviceBinding(isConstructor(), RegisterScheduleHookAdvice.class.getName())),
                TypeInstrumentation.of(ASYNC_SERVER,
                        new AdviceBinding(isConstructor(), ServerInfoAdvice.class.getName())),
                TypeInstrumentation.of(STATELESS_ASYNC_SERVER,
                        new AdviceBinding(isConstructor(), ServerInfoAdvice.class.getName())),
                TypeInstrumentation.of(MONO_DEFER,
                        new AdviceBinding(named("subscribe").and(takesArguments(1)), DeferSubscribeAdvice.class.getName())),
                TypeInstrumentation.of(THREAD_POOL_EXECUTOR,
                        new AdviceBinding(named("execute").and(takesArguments(1))
                                .and(takesArgument(0, named(RUNNABLE))), ExecutorExecuteAdvice.class.getName())),
                // execute/submit do not reach ThreadPoolExecutor.execute: they all end in schedule
                TypeInstrumentation.of(SCHEDULED_THREAD_POOL_EXECUTOR,
                        new AdviceBinding(named("schedule").and(takesArguments(3))
                                .and(takesArgument(0, named(RUNNABLE))), ExecutorExecuteAdvice.class.getName()),
                        new AdviceBinding(named("schedule").and(takesArguments(3))
                                .and(takesArgument(0, named(CALLABLE))), CallableArgumentAdvice.class.getName())),
                TypeInstrumentation.of(FORK_JOIN_POOL,
                        new AdviceBinding(namedOneOf("execute", "submit").and(not(isBridge()))
                                .and(takesArgument(0, named(RUNNABLE))), ForkJoinRunnableAdvice.class.getName()),
                        new AdviceBinding(named("submit").and(not(isBridge())).and(takesArguments(1))
                                .and(takesArgument(0, named(CALLABLE))), CallableArgumentAdvice.class.getName())),
                TypeInstrumentation.of(COMPLETABLE_FUTURE,
                        new AdviceBinding(named("asyncSupplyStage").and(takesArguments(2))
                                .and(takesArgument(1, named("java.util.function.Supplier"))),
                                CompletableFutureSupplyAdvice.class.getName()),
                        new AdviceBinding(named("asyncRunStage").and(takesArguments(2))
                                .and(takesArgument(1, named(RUNNABLE))), CompletableFutureRunAdvice.class.getName()),
                        asyncStage(namedOneOf("uniApplyStage", "uniComposeStage"), "java.util.function.Function",
                                AsyncStageFunctionAdvice.class),
                        asyncStage(named("uniAcceptStage"), "java.util.function.Consumer", AsyncStageConsumerAdvice.class),
                        asyncStage(named("uniRunStage"), RUNNABLE, AsyncStageRunnableAdvice.class),
                        asyncStage(named("uniHandleStage"), "java.util.function.BiFunction", AsyncStageBiFunctionAdvice.class),
                        asyncStage(named("uniWhenCompleteStage"), "java.util.function.BiConsumer",
                                AsyncStageBiConsumerAdvice.class)),
                TypeInstrumentation.of(VIRTUAL_THREAD,
                        new AdviceBinding(isConstructor().and(takesArguments(4)).and(takesArgument(3, named(RUNNABLE))),
                                VirtualThreadAdvice.class.getName())));
    }

    /** {@code CompletableFuture}'s private {@code uni*Stage(Executor, fn)}, where every {@code then*Async} ends. */
    private static AdviceBinding asyncStage(Matcher<MethodShape> name, String fnType,
                                            Class<?> advice) {
        return new AdviceBinding(name.and(takesArguments(2)).and(takesArgument(0, named("java.util.concurrent.Executor")))
                .and(takesArgument(1, named(fnType))), advice.getName());
    }

    /**
     * The thread-hop classes matter only once an MCP server runs: they are woven when the first
     * session (or stateless handler) is constructed, before it handles a request
     * ({@link RegisterScheduleHookAdvice}), not at JVM start.
     */
    @Override
    public Set<String> deferredJdkClassNames() {
        return Set.of(THREAD_POOL_EXECUTOR, SCHEDULED_THREAD_POOL_EXECUTOR, FORK_JOIN_POOL, COMPLETABLE_FUTURE,
                VIRTUAL_THREAD);
    }

    @Override
    public Set<String> jdkModulesNeedingBootstrapReads() {
        return Set.of("java.base");
    }
}
