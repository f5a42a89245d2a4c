package io.mcpegress.agent;

import io.mcpegress.agent.policy.PolicyFileCache;
import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModuleTargetsTest {

    /** A start-up cache in memory. */
    static final class MemoryStore implements PolicyFileCache.Store {
        final Map<String, byte[]> entries = new HashMap<>();

        @Override
        public byte[] read(String name) {
            return entries.get(name);
        }

        @Override
        public void write(String name, byte[] bytes) {
            entries.put(name, bytes);
        }
    }

    /** A module that counts how often its type instrumentations (and their matchers) are built. */
    static final class CountingModule implements InstrumentationModule {
        final AtomicInteger built = new AtomicInteger();
        String secondMethod = "send";

        @Override
        public String name() {
            return "test-client";
        }

        @Override
        public List<TypeInstrumentation> typeInstrumentations() {
            built.incrementAndGet();
            return List.of(
                    TypeInstrumentation.of("com.example.Client", new AdviceBinding(named("call"), "com.example.CallAdvice")),
                    TypeInstrumentation.of("com.example.Client", new AdviceBinding(named(secondMethod), "com.example.SendAdvice")));
        }
    }

    @Test
    void aModulesClassesAndSignaturesComeFromTheCacheWithoutBuildingItsMatchers() {
        MemoryStore store = new MemoryStore();
        CountingModule first = new CountingModule();
        List<ModuleTargets.Named> built = ModuleTargets.of(first, store).named();
        assertThat(first.built).hasValue(1);
        assertThat(built).extracting(ModuleTargets.Named::typeName).containsExactly("com.example.Client", "com.example.Client");
        assertThat(built.get(1).signature()).contains("test-client com.example.Client com.example.SendAdvice on ").contains("send");

        CountingModule second = new CountingModule();
        ModuleTargets cached = ModuleTargets.of(second, store);
        assertThat(cached.named()).isEqualTo(built);
        assertThat(second.built).as("a start served by the cache builds no matchers").hasValue(0);

        TypeInstrumentation type = cached.type(1);
        assertThat(type.adviceBindings().get(0).adviceClassName()).isEqualTo("com.example.SendAdvice");
        cached.type(0);
        assertThat(second.built).as("built once, on first use").hasValue(1);
    }

    @Test
    void withoutACacheTheListIsBuiltFromTheModule() {
        CountingModule module = new CountingModule();
        ModuleTargets targets = ModuleTargets.of(module, null);
        assertThat(targets.named()).hasSize(2);
        assertThat(targets.type(0).typeName()).isEqualTo("com.example.Client");
        assertThat(module.built).hasValue(1);
    }

    @Test
    void aStoredListTheModuleNoLongerMatchesIsNeverUsedToWeave() {
        MemoryStore store = new MemoryStore();
        ModuleTargets.of(new CountingModule(), store);
        CountingModule changed = new CountingModule();
        changed.secondMethod = "sendAsync";
        ModuleTargets stale = ModuleTargets.of(changed, store);

        assertThat(stale.type(0).typeName()).isEqualTo("com.example.Client");
        assertThatThrownBy(() -> stale.type(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no longer declares com.example.Client");
    }

    @Test
    void aDamagedEntryIsRebuiltFromTheModule() {
        MemoryStore store = new MemoryStore();
        ModuleTargets.of(new CountingModule(), store);
        byte[] entry = store.entries.get(ModuleTargets.entryName(new CountingModule()));
        entry[entry.length / 2] ^= 0x55;

        CountingModule module = new CountingModule();
        assertThat(ModuleTargets.of(module, store).named()).hasSize(2);
        assertThat(module.built).hasValue(1);
    }
}
