package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.instrumentation.api.TypeInstrumentation;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.pool.TypePool;
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
        try (ClassFileLocator sdk = ClassFileLocator.ForJarFile.of(jar.toFile())) {
            ClassFileLocator library = new ClassFileLocator.Compound(sdk,
                    ClassFileLocator.ForClassLoader.of(McpJavaSdkModuleTest.class.getClassLoader()));
            TypePool pool = new TypePool.Default.WithLazyResolution(new TypePool.CacheProvider.Simple(), library,
                    TypePool.Default.ReaderMode.FAST);

            assertThat(weave(pool, library, McpJavaSdkModule.SERVER_SESSION)).containsExactlyInAnyOrder(
                    HandleRequestAdvice.class.getName(), RegisterScheduleHookAdvice.class.getName());
            assertThat(weave(pool, library, McpJavaSdkModule.STREAMABLE_SESSION)).containsExactlyInAnyOrder(
                    StreamableSessionClientAdvice.class.getName(), RegisterScheduleHookAdvice.class.getName());
            assertThat(weave(pool, library, McpJavaSdkModule.STREAMABLE_STREAM))
                    .containsExactly(StreamableHandleAdvice.class.getName());
            assertThat(weave(pool, library, McpJavaSdkModule.STATELESS_HANDLER)).containsExactlyInAnyOrder(
                    StatelessHandleRequestAdvice.class.getName(), RegisterScheduleHookAdvice.class.getName());
            assertThat(weave(pool, library, McpJavaSdkModule.ASYNC_SERVER)).containsExactly(ServerInfoAdvice.class.getName());
            assertThat(weave(pool, library, McpJavaSdkModule.STATELESS_ASYNC_SERVER))
                    .containsExactly(ServerInfoAdvice.class.getName());
            assertThat(weave(pool, library, McpJavaSdkModule.MONO_DEFER)).containsExactly(DeferSubscribeAdvice.class.getName());
            assertThat(weave(pool, library, McpJavaSdkModule.THREAD_POOL_EXECUTOR))
                    .containsExactly(ExecutorExecuteAdvice.class.getName());
        }
    }

    @Test
    void theJdkHopsOfUserCodeAreWovenInTheRunningJdk() throws IOException {
        ClassFileLocator jdk = ClassFileLocator.ForClassLoader.of(McpJavaSdkModuleTest.class.getClassLoader());
        TypePool pool = TypePool.Default.of(jdk);
        assertThat(weave(pool, jdk, McpJavaSdkModule.SCHEDULED_THREAD_POOL_EXECUTOR)).containsExactlyInAnyOrder(
                ExecutorExecuteAdvice.class.getName(), CallableArgumentAdvice.class.getName());
        assertThat(weave(pool, jdk, McpJavaSdkModule.FORK_JOIN_POOL)).containsExactlyInAnyOrder(
                ForkJoinRunnableAdvice.class.getName(), CallableArgumentAdvice.class.getName());
        assertThat(weave(pool, jdk, McpJavaSdkModule.COMPLETABLE_FUTURE)).containsExactlyInAnyOrder(
                CompletableFutureSupplyAdvice.class.getName(), CompletableFutureRunAdvice.class.getName(),
                AsyncStageFunctionAdvice.class.getName(), AsyncStageConsumerAdvice.class.getName(),
                AsyncStageRunnableAdvice.class.getName(), AsyncStageBiFunctionAdvice.class.getName(),
                AsyncStageBiConsumerAdvice.class.getName());
        if (Runtime.version().feature() >= 21) {
            assertThat(weave(pool, jdk, McpJavaSdkModule.VIRTUAL_THREAD)).containsExactly(VirtualThreadAdvice.class.getName());
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
        assertThatThrownBy(() -> new ByteBuddy().subclass(Object.class).name(McpJavaSdkModule.STREAMABLE_STREAM)
                .defineMethod("handle", Mono.class, Visibility.PUBLIC)
                .withParameters(McpSchema.JSONRPCRequest.class)
                .intercept(FixedValue.nullValue())
                .visit(Advice.to(StreamableHandleAdvice.class).on(handle.methods()))
                .make())
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
        assertThatThrownBy(() -> new ByteBuddy().subclass(Object.class).name(McpJavaSdkModule.SERVER_SESSION)
                .defineMethod("handleIncomingRequest", Mono.class, Visibility.PRIVATE)
                .withParameters(McpSchema.JSONRPCRequest.class, McpTransportContext.class)
                .intercept(FixedValue.nullValue())
                .visit(Advice.to(HandleRequestAdvice.class).on(handle.methods()))
                .make())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clientInfo");
    }

    @Test
    void otherTypesAreNeverInspected() {
        TypeDescription other = new ByteBuddy().subclass(Object.class).name("io.modelcontextprotocol.spec.McpClientSession")
                .make().getTypeDescription();
        assertThat(instrumentations).noneMatch(i -> i.typeMatcher().matches(other));
    }

    private List<String> weave(TypePool pool, ClassFileLocator library, String typeName) {
        TypeDescription type = pool.describe(typeName).resolve();
        ClassFileLocator adviceLocator = new ClassFileLocator.Compound(library,
                ClassFileLocator.ForClassLoader.of(McpJavaSdkModuleTest.class.getClassLoader()));
        TypePool advicePool = TypePool.Default.of(adviceLocator);
        return instrumentations.stream()
                .filter(i -> i.typeMatcher().matches(type))
                .flatMap(i -> i.adviceBindings().stream())
                .peek(binding -> {
                    assertThat(type.getDeclaredMethods().filter(binding.methods()))
                            .as(binding.adviceClassName() + " hooks a method of " + typeName).isNotEmpty();
                    new ByteBuddy().with(TypeValidation.DISABLED)
                            .redefine(type, library)
                            .visit(Advice.to(advicePool.describe(binding.adviceClassName()).resolve(), adviceLocator)
                                    .on(binding.methods()))
                            .make();
                })
                .map(TypeInstrumentation.AdviceBinding::adviceClassName)
                .toList();
    }
}
