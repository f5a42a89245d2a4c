package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.ModuleWeaving;
import io.mcpegress.instrumentation.api.type.TypeShape;
import io.mcpegress.instrumentation.api.type.TypeShapes;
import net.bytebuddy.ByteBuddy;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.implementation.FixedValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The module against the real class files of each supported SDK line (and the Reactor the SDK
 * brings), read from their jars, never loaded, woven the way the agent does it. The integration
 * test McpStdioIT then runs the woven classes under a real MCP client.
 */
class McpJavaSdkModuleTest {

    private final List<TypeInstrumentation> instrumentations = new McpJavaSdkModule().typeInstrumentations();

    @ParameterizedTest(name = "mcp-core {0}")
    @ValueSource(strings = {"mcp-sdk.version", "mcp-sdk-latest.version"})
    void eachSdkLineIsWovenWithEveryAdvice(String versionProperty) throws IOException {
        Path jar = Path.of(System.getProperty("mcp-sdk.versions.dir"))
                .resolve("mcp-core-" + System.getProperty(versionProperty) + ".jar");
        assertThat(Files.isRegularFile(jar)).as(jar + " (copied by the build)").isTrue();
        {
            ClassLoader library = ModuleWeaving.jarFirst(jar, McpJavaSdkModuleTest.class.getClassLoader());

            assertThat(weave(library, McpJavaSdkModule.SERVER_SESSION)).containsExactlyInAnyOrder(
                    HandleRequestAdvice.class.getName(), RegisterScheduleHookAdvice.class.getName());
            assertThat(weave(library, McpJavaSdkModule.STREAMABLE_SESSION)).containsExactlyInAnyOrder(
                    StreamableSessionClientAdvice.class.getName(), RegisterScheduleHookAdvice.class.getName());
            assertThat(weave(library, McpJavaSdkModule.STREAMABLE_STREAM))
                    .containsExactly(StreamableHandleAdvice.class.getName());
            assertThat(weave(library, McpJavaSdkModule.STATELESS_HANDLER)).containsExactlyInAnyOrder(
                    StatelessHandleRequestAdvice.class.getName(), RegisterScheduleHookAdvice.class.getName());
            assertThat(weave(library, McpJavaSdkModule.ASYNC_SERVER)).containsExactly(ServerInfoAdvice.class.getName());
            assertThat(weave(library, McpJavaSdkModule.STATELESS_ASYNC_SERVER))
                    .containsExactly(ServerInfoAdvice.class.getName());
            assertThat(weave(library, McpJavaSdkModule.MONO_DEFER)).containsExactly(DeferSubscribeAdvice.class.getName());
            assertThat(weave(library, McpJavaSdkModule.THREAD_POOL_EXECUTOR))
                    .containsExactly(ExecutorExecuteAdvice.class.getName());
        }
    }

    @Test
    void theJdkHopsOfUserCodeAreWovenInTheRunningJdk() throws IOException {
        ClassLoader jdk = McpJavaSdkModuleTest.class.getClassLoader();
        assertThat(weave(jdk, McpJavaSdkModule.SCHEDULED_THREAD_POOL_EXECUTOR)).containsExactlyInAnyOrder(
                ExecutorExecuteAdvice.class.getName(), CallableArgumentAdvice.class.getName());
        assertThat(weave(jdk, McpJavaSdkModule.FORK_JOIN_POOL)).containsExactlyInAnyOrder(
                ForkJoinRunnableAdvice.class.getName(), CallableArgumentAdvice.class.getName());
        assertThat(weave(jdk, McpJavaSdkModule.COMPLETABLE_FUTURE)).containsExactlyInAnyOrder(
                CompletableFutureSupplyAdvice.class.getName(), CompletableFutureRunAdvice.class.getName(),
                AsyncStageFunctionAdvice.class.getName(), AsyncStageConsumerAdvice.class.getName(),
                AsyncStageRunnableAdvice.class.getName(), AsyncStageBiFunctionAdvice.class.getName(),
                AsyncStageBiConsumerAdvice.class.getName());
        if (Runtime.version().feature() >= 21) {
            assertThat(weave(jdk, McpJavaSdkModule.VIRTUAL_THREAD)).containsExactly(VirtualThreadAdvice.class.getName());
        }
        assertThat(new McpJavaSdkModule().deferredJdkClassNames()).contains(McpJavaSdkModule.SCHEDULED_THREAD_POOL_EXECUTOR,
                McpJavaSdkModule.FORK_JOIN_POOL, McpJavaSdkModule.COMPLETABLE_FUTURE, McpJavaSdkModule.VIRTUAL_THREAD);
    }

    @Test
    void aStreamableStreamWithoutItsSessionFailsLoudly() {
        TypeInstrumentation.AdviceBinding handle = instrumentations.stream()
                .flatMap(i -> i.adviceBindings().stream())
                .filter(b -> b.adviceClassName().equals(StreamableHandleAdvice.class.getName()))
                .findFirst().orElseThrow();
        // a future SDK whose stream is no longer an inner class of the session: reported, not skipped
        assertThatThrownBy(() -> weaveStub(McpJavaSdkModule.STREAMABLE_STREAM, new ByteBuddy().subclass(Object.class)
                .name(McpJavaSdkModule.STREAMABLE_STREAM)
                .defineMethod("handle", Mono.class, Visibility.PUBLIC)
                .withParameters(McpSchema.JSONRPCRequest.class)
                .intercept(FixedValue.nullValue())
                .make().getBytes(), handle))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("this$0");
    }

    @Test
    void aSessionClassWithoutTheFieldTheAdviceReadsFailsLoudlyInsteadOfBeingSkipped() {
        TypeInstrumentation.AdviceBinding handle = instrumentations.stream()
                .flatMap(i -> i.adviceBindings().stream())
                .filter(b -> b.adviceClassName().equals(HandleRequestAdvice.class.getName()))
                .findFirst().orElseThrow();
        // a future SDK whose session keeps the client info elsewhere: the agent's transformation fails
        // and is reported, rather than tool calls silently losing their context (and tool rules)
        assertThatThrownBy(() -> weaveStub(McpJavaSdkModule.SERVER_SESSION, new ByteBuddy().subclass(Object.class)
                .name(McpJavaSdkModule.SERVER_SESSION)
                .defineMethod("handleIncomingRequest", Mono.class, Visibility.PRIVATE)
                .withParameters(McpSchema.JSONRPCRequest.class, McpTransportContext.class)
                .intercept(FixedValue.nullValue())
                .make().getBytes(), handle))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clientInfo");
    }

    @Test
    void otherTypesAreNeverInspected() {
        String name = "io.modelcontextprotocol.spec.McpClientSession";
        TypeShape other = new TypeShapes(getClass().getClassLoader(), name,
                new ByteBuddy().subclass(Object.class).name(name).make().getBytes()).describe(name);
        assertThat(instrumentations).noneMatch(i -> i.typeMatcher().matches(other));
    }

    private List<String> weave(ClassLoader library, String typeName) {
        return ModuleWeaving.weave(instrumentations, library, typeName);
    }

    /** Weaves one binding into a class made for the test, as the agent would. */
    private byte[] weaveStub(String name, byte[] classfile, TypeInstrumentation.AdviceBinding binding) {
        TypeShape type = new TypeShapes(getClass().getClassLoader(), name, classfile).describe(name);
        return ModuleWeaving.weave(type, classfile, List.of(binding));
    }
}
