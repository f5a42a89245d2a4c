package io.mcpegress.agent;

import io.mcpegress.agent.policy.PolicyFileCache;
import io.mcpegress.agent.util.CheckedEntry;
import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import io.mcpegress.instrumentation.api.type.TypeShape;

import java.io.DataInputStream;
import java.io.IOException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The classes one module weaves, each with the signature of its advice (the weave cache's key):
 * what the weaver's map needs at start. Building them means building the module's
 * {@link TypeInstrumentation}s, whose ByteBuddy matchers load ~60 ByteBuddy classes and the
 * modules' helpers, about a quarter of premain. So the list is read from where it was stored
 * (one entry per module): the agent jar, where the build lists every module ({@link BundledTargets}),
 * or else the start-up cache directory of this agent build, where a module's classes cannot change.
 * A start that finds it builds a module's type instrumentations only when one of its classes has
 * to be woven for real; a start served by the weave cache never does.
 */
final class ModuleTargets {

    /** One class the module weaves: its binary name and advice signature, in the module's order. */
    record Named(String typeName, String signature) {
    }

    private static final int MAGIC = 0x4d45544c; // "METL"
    private static final int FORMAT = 1;

    private final InstrumentationModule module;
    private final List<Named> named;
    private List<TypeInstrumentation> types; // guarded by this; built on first use

    private ModuleTargets(InstrumentationModule module, List<Named> named, List<TypeInstrumentation> types) {
        this.module = module;
        this.named = named;
        this.types = types;
    }

    /** From the cache when it holds this module's list, else built from the module (and stored). */
    static ModuleTargets of(InstrumentationModule module, PolicyFileCache.Store store) {
        if (store != null) {
            List<Named> stored = read(store.read(entryName(module)));
            if (stored != null) {
                return new ModuleTargets(module, stored, null);
            }
        }
        List<TypeInstrumentation> types = module.typeInstrumentations();
        List<Named> named = new ArrayList<>(types.size());
        for (TypeInstrumentation type : types) {
            named.add(new Named(type.typeName(), signature(module.name(), type)));
        }
        if (store != null) {
            write(store, module, named);
        }
        return new ModuleTargets(module, List.copyOf(named), types);
    }

    List<Named> named() {
        return named;
    }

    /**
     * The module's {@code index}-th type instrumentation, built now if need be. Throws when it is
     * not the one the stored list names (a stale entry; the class is then reported as not woven).
     */
    synchronized TypeInstrumentation type(int index) {
        if (types == null) {
            types = module.typeInstrumentations();
        }
        Named expected = named.get(index);
        TypeInstrumentation type = index < types.size() ? types.get(index) : null;
        if (type == null || !type.typeName().equals(expected.typeName())
                || !signature(module.name(), type).equals(expected.signature())) {
            throw new IllegalStateException("module " + module.name() + " no longer declares " + expected.typeName()
                    + " as the start-up cache recorded it");
        }
        return type;
    }

    /**
     * The weaver's target for the module's {@code index}-th class, whose condition and advice
     * bindings are built from the module when the class is woven for real.
     */
    NamedClassWeaver.Target target(int index, LibraryReporter libraries) {
        OnFirstWeave lazy = new OnFirstWeave(index, libraries);
        return new NamedClassWeaver.Target(module.name(), lazy, lazy, named.get(index).signature());
    }

    /** A class's condition and advice bindings, from the module's type instrumentation on first use. */
    private final class OnFirstWeave implements NamedClassWeaver.TypeCondition, Supplier<List<AdviceBinding>> {
        private final int index;
        private final LibraryReporter libraries;

        OnFirstWeave(int index, LibraryReporter libraries) {
            this.index = index;
            this.libraries = libraries;
        }

        @Override
        public boolean matches(TypeShape type, ProtectionDomain domain) {
            return libraries.wrap(module.name(), type(index).typeMatcher()).matches(type, domain);
        }

        @Override
        public List<AdviceBinding> get() {
            return type(index).adviceBindings();
        }
    }

    /** The module, the class and each advice class with the methods it is bound to. */
    static String signature(String moduleName, TypeInstrumentation type) {
        StringBuilder signature = new StringBuilder(moduleName).append(' ').append(type.typeName());
        for (TypeInstrumentation.AdviceBinding binding : type.adviceBindings()) {
            signature.append(' ').append(binding.adviceClassName()).append(" on ").append(binding.methods());
        }
        return signature.toString();
    }

    static String entryName(InstrumentationModule module) {
        return "targets_" + WeaveCache.safeSegment(module.name(), "._-") + ".list";
    }

    /** The stored list, or null when there is none or it is damaged (then built from the module). */
    private static List<Named> read(byte[] entry) {
        return CheckedEntry.read(entry, MAGIC, FORMAT, ListReader.INSTANCE);
    }

    /** A class rather than a lambda: premain spins no lambda class for it. */
    private enum ListReader implements CheckedEntry.Reader<List<Named>> {
        INSTANCE;

        @Override
        public List<Named> readFrom(DataInputStream in) throws IOException {
            int n = in.readInt();
            if (n < 0 || n > 10_000) {
                return null;
            }
            List<Named> named = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                named.add(new Named(in.readUTF(), in.readUTF()));
            }
            return List.copyOf(named);
        }
    }

    private static void write(PolicyFileCache.Store store, InstrumentationModule module, List<Named> named) {
        try {
            store.write(entryName(module), CheckedEntry.seal(MAGIC, FORMAT, 256 * named.size() + 16, out -> {
                out.writeInt(named.size());
                for (Named n : named) {
                    out.writeUTF(n.typeName());
                    out.writeUTF(n.signature());
                }
            }));
        } catch (IOException | RuntimeException e) {
            // the next start builds the list from the module again
        }
    }
}
