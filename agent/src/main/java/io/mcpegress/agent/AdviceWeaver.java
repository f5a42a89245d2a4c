package io.mcpegress.agent;

import io.mcpegress.agent.advice.AdviceClass;
import io.mcpegress.agent.advice.ClassWeaver;
import io.mcpegress.agent.advice.FieldLookup;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Weaves the advice of a class's bindings into its class file with the agent's own inliner
 * ({@link ClassWeaver}): the class and the types the conditions look at are described by
 * ByteBuddy's type pool, the advice classes are read once from the agent jar and inlined by plain
 * ASM. ByteBuddy's {@code Advice} did the inlining before; a first start loaded, verified and
 * interpreted its few hundred classes before the first class could be woven. Not thread-confined:
 * one instance per class being woven.
 */
final class AdviceWeaver {

    /** Advice classes live in the agent's own class loader and never change: parsed once each. */
    private static final Map<String, AdviceClass> ADVICE = new ConcurrentHashMap<>();

    private final TypeDescription type;
    private final byte[] classfile;
    private final List<AdviceBinding> bindings = new ArrayList<>();

    /**
     * @param loader the class's defining loader (null: the boot loader), where the types its
     *               conditions name (the library's own, such as {@code okhttp3.Request}) are found
     */
    AdviceWeaver(String typeName, byte[] classfile, ClassLoader loader) {
        this.classfile = classfile;
        // the class as given (not as its loader would read it), then the library's classes
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(typeName, classfile),
                ClassFileLocator.ForClassLoader.of(loader));
        TypePool pool = new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(), locator,
                TypePool.Default.ReaderMode.FAST);
        this.type = pool.describe(typeName).resolve();
    }

    /** The class being woven, resolved lazily from its class file (for conditions on its shape). */
    TypeDescription type() {
        return type;
    }

    void add(List<AdviceBinding> more) {
        bindings.addAll(more);
    }

    /** The class file with every binding's advice inlined into the methods it matches. */
    byte[] weave() {
        List<MethodDescription> methods = advisable(type);
        Map<String, List<AdviceClass>> advised = new HashMap<>();
        for (AdviceBinding binding : bindings) {
            AdviceClass advice = adviceClass(binding.adviceClassName());
            for (MethodDescription m : methods) {
                if (binding.methods().matches(m)) {
                    String key = m.getInternalName() + m.getDescriptor();
                    List<AdviceClass> list = advised.get(key);
                    if (list == null) {
                        advised.put(key, list = new ArrayList<>(2));
                    }
                    list.add(advice);
                }
            }
        }
        return ClassWeaver.weave(classfile, advised, new Fields(type));
    }

    /** The methods advice may go into, as ByteBuddy's decoration offered them: declared, not synthetic, no default finalizer. */
    private static List<MethodDescription> advisable(TypeDescription type) {
        List<MethodDescription> methods = new ArrayList<>();
        for (MethodDescription m : type.getDeclaredMethods()) {
            boolean defaultFinalizer = m.getInternalName().equals("finalize") && m.getParameters().isEmpty()
                    && m.getReturnType().represents(void.class) && m.getDeclaringType().represents(Object.class);
            if (!m.isSynthetic() && !defaultFinalizer) {
                methods.add(m);
            }
        }
        return methods;
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

    /** A field by name in the class or, unless private, in a superclass: where ByteBuddy's FieldValue looks. */
    private record Fields(TypeDescription type) implements FieldLookup {
        @Override
        public Field find(String name) {
            for (TypeDefinition t = type; t != null; t = t.getSuperClass()) {
                for (FieldDescription.InDefinedShape f : t.asErasure().getDeclaredFields()) {
                    if (f.getName().equals(name) && (t == type || !f.isPrivate())) {
                        return new Field(t.asErasure().getInternalName(), f.getDescriptor(), f.isStatic());
                    }
                }
            }
            throw new IllegalStateException("no field " + name + " in " + type.getName() + " or its superclasses");
        }
    }
}
