package io.mcpegress.agent;

import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import io.mcpegress.instrumentation.api.type.TypeShape;
import io.mcpegress.instrumentation.api.type.TypeShapes;
import io.mcpegress.instrumentation.api.weave.AdviceClass;
import io.mcpegress.instrumentation.api.weave.ClassWeaver;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weaves the advice of a class's bindings into its class file with the agent's own inliner
 * ({@link ClassWeaver}): the class and the types the modules' conditions look at are described
 * from their class files ({@link TypeShapes}, plain ASM, nothing loaded), the advice classes are
 * read once from the agent jar. ByteBuddy's type pool, matchers and {@code Advice} did this
 * before; a first start loaded, verified and interpreted their ~580 classes before the first class
 * could be woven. Not thread-confined: one instance per class being woven.
 */
final class AdviceWeaver {

    /** Advice classes live in the agent's own class loader and never change: parsed once each. */
    private static final Map<String, AdviceClass> ADVICE = new ConcurrentHashMap<>();
    private static final ClassWeaver.AdviceSource AGENT_ADVICE = new ClassWeaver.AdviceSource() {
        @Override
        public AdviceClass adviceClass(String name) {
            return AdviceWeaver.adviceClass(name);
        }
    };

    private final TypeShape type;
    private final byte[] classfile;
    private final List<AdviceBinding> bindings = new ArrayList<>();

    /**
     * @param loader the class's defining loader (null: the boot loader), where the types its
     *               conditions name (the library's own, such as {@code okhttp3.Request}) are found
     */
    AdviceWeaver(String typeName, byte[] classfile, ClassLoader loader) {
        this.classfile = classfile;
        // the class as given (not as its loader would read it), the library's classes from the loader
        this.type = new TypeShapes(loader, typeName, classfile).describe(typeName);
    }

    /** The class being woven, read from its class file when a condition asks about its shape. */
    TypeShape type() {
        return type;
    }

    void add(List<AdviceBinding> more) {
        bindings.addAll(more);
    }

    /** The class file with every binding's advice inlined into the methods it matches. */
    byte[] weave() {
        return ClassWeaver.weave(type, classfile, bindings, AGENT_ADVICE);
    }

    static AdviceClass adviceClass(String name) {
        AdviceClass advice = ADVICE.get(name);
        if (advice == null) {
            advice = AdviceClass.read(name, agentClassFile(name));
            ADVICE.putIfAbsent(name, advice);
        }
        return advice;
    }

    static byte[] agentClassFile(String name) {
        try (InputStream in = AdviceWeaver.class.getClassLoader().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new FileNotFoundException("advice class " + name + " is not in the agent jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
