package io.mcpegress.instrumentation.socketguard;

import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;

import java.util.List;
import java.util.Set;

import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArgument;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArguments;

/**
 * The socket-level backstop: every outbound TCP connect of the JVM, whichever library made it.
 * Three entry points cover all of them on JDK 17 to 25 (checked against both source trees):
 * <ul>
 *   <li>{@code java.net.Socket.connect(SocketAddress, int)}: every connecting {@code Socket}
 *       constructor ends in {@code connect(address)} which calls it; {@code SSLSocketImpl.connect}
 *       calls {@code super.connect}; the {@code SocketImpl} (NioSocketImpl) is reached only from
 *       here. The one {@code Socket} subclass that does not call it is the channel adaptor:</li>
 *   <li>{@code sun.nio.ch.SocketChannelImpl.blockingConnect(SocketAddress, long)}: what
 *       {@code SocketChannel.socket().connect(...)} (SocketAdaptor) uses;</li>
 *   <li>{@code sun.nio.ch.SocketChannelImpl.connect(SocketAddress)}: {@code SocketChannel.open(addr)},
 *       {@code SocketChannel.connect}, blocking or not (Netty NIO, Jetty, Vert.x, java.net.http).</li>
 *   <li>{@code sun.nio.ch.AsynchronousSocketChannelImpl.connect(SocketAddress)} and
 *       {@code connect(SocketAddress, A, CompletionHandler)}: {@code AsynchronousSocketChannel}
 *       (both final, above the platform's {@code implConnect}); a refusal fails the future or
 *       calls the handler's {@code failed}.</li>
 * </ul>
 * Not covered: native transports (Netty epoll/kqueue, io_uring), UDP.
 */
public final class SocketGuardModule implements InstrumentationModule {

    static final String SOCKET = "java.net.Socket";
    static final String CHANNEL = "sun.nio.ch.SocketChannelImpl";
    static final String ASYNC_CHANNEL = "sun.nio.ch.AsynchronousSocketChannelImpl";

    @Override
    public String name() {
        return "socket-guard";
    }

    /**
     * Parameter types by name, primitives too: a {@code Class} argument makes ByteBuddy describe it
     * as a loaded type, whose set-up (reflection dispatchers) premain would otherwise pay for.
     */
    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(
                TypeInstrumentation.of(SOCKET,
                        new AdviceBinding(named("connect").and(takesArguments(2))
                                .and(takesArgument(0, named("java.net.SocketAddress")))
                                .and(takesArgument(1, named("int"))), SocketConnectAdvice.class.getName())),
                TypeInstrumentation.of(CHANNEL,
                        new AdviceBinding(named("connect").and(takesArguments(1))
                                .and(takesArgument(0, named("java.net.SocketAddress"))), ChannelConnectAdvice.class.getName()),
                        new AdviceBinding(named("blockingConnect").and(takesArguments(2))
                                .and(takesArgument(0, named("java.net.SocketAddress")))
                                .and(takesArgument(1, named("long"))), ChannelConnectAdvice.class.getName())),
                TypeInstrumentation.of(ASYNC_CHANNEL,
                        new AdviceBinding(named("connect").and(takesArguments(1))
                                .and(takesArgument(0, named("java.net.SocketAddress"))),
                                AsyncChannelFutureConnectAdvice.class.getName()),
                        new AdviceBinding(named("connect").and(takesArguments(3))
                                .and(takesArgument(0, named("java.net.SocketAddress")))
                                .and(takesArgument(2, named("java.nio.channels.CompletionHandler"))),
                                AsyncChannelHandlerConnectAdvice.class.getName())));
    }

    @Override
    public Set<String> jdkClassNames() {
        return Set.of(SOCKET, CHANNEL, ASYNC_CHANNEL);
    }

    @Override
    public Set<String> jdkModulesNeedingBootstrapReads() {
        return Set.of("java.base");
    }
}
