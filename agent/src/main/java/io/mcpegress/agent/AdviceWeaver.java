package io.mcpegress.agent;

import io.mcpegress.bootstrap.EgressHooks;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeInitializer;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

import java.util.ArrayList;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.isDefaultFinalizer;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Inlines ByteBuddy {@link Advice} into the methods of one class file in a single ASM read/write
 * pass. This is what ByteBuddy's {@code AgentBuilder.Transformer.ForAdvice} followed by
 * {@code ByteBuddy.decorate(...).make()} did, minus the machinery a decoration does not need
 * (dynamic type builders, type writer, method registry, naming and validation strategies): a
 * first start no longer loads, verifies and interprets those few hundred classes before the
 * first class is woven. Not thread-confined: one instance per class being woven.
 */
final class AdviceWeaver {

    /** Failures inside woven advice go to {@link EgressHooks#adviceFailed}, which counts them. */
    private static final Advice.ExceptionHandler COUNT_FAILURES = new Advice.ExceptionHandler.Simple(new CallAdviceFailed());

    /** Advice classes are read from the agent's own class loader, where they live. */
    private static final ClassFileLocator AGENT_CLASSES = ClassFileLocator.ForClassLoader.of(AdviceWeaver.class.getClassLoader());

    private final TypeDescription type;
    private final byte[] classfile;
    private final TypePool pool;
    private final ClassFileLocator locator;
    private final List<AdviceBinding> bindings = new ArrayList<>();

    /**
     * @param loader the class's defining loader (null: the boot loader), where the types its advice
     *               names (the library's own, such as {@code okhttp3.Request}) are found
     */
    AdviceWeaver(String typeName, byte[] classfile, ClassLoader loader) {
        this.classfile = classfile;
        // the class as given (not as its loader would read it), then advice classes, then the
        // library's classes the advice's signatures name
        this.locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(typeName, classfile), AGENT_CLASSES,
                ClassFileLocator.ForClassLoader.of(loader));
        this.pool = new TypePool.Default.WithLazyResolution(TypePool.CacheProvider.Simple.withObjectType(), locator,
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
        AsmVisitorWrapper.ForDeclaredMethods methods = new AsmVisitorWrapper.ForDeclaredMethods();
        for (AdviceBinding binding : bindings) {
            Advice advice = Advice.to(pool.describe(binding.adviceClassName()).resolve(), locator)
                    .withExceptionHandler(COUNT_FAILURES);
            methods = methods.invokable(binding.methods(), advice);
        }
        int writerFlags = methods.mergeWriter(AsmVisitorWrapper.NO_FLAGS);
        int readerFlags = methods.mergeReader(AsmVisitorWrapper.NO_FLAGS);
        if ((writerFlags & ClassWriter.COMPUTE_FRAMES) != 0) {
            // would need the class hierarchy (ClassWriter.getCommonSuperClass loads classes); Advice never asks
            throw new IllegalStateException("advice asked for computed frames");
        }
        ClassReader reader = OpenedClassReader.of(classfile);
        ClassWriter writer = new ClassWriter(reader, writerFlags); // unchanged methods are copied as they are
        ClassFileVersion version = ClassFileVersion.ofClassFile(classfile);
        Implementation.Context context = Implementation.Context.Disabled.Factory.INSTANCE.make(type, null,
                TypeInitializer.None.INSTANCE, version, version, frameGeneration(version, readerFlags));
        ClassVisitor visitor = methods.wrap(type, writer, context, pool, type.getDeclaredFields(),
                decoratedMethods(type), writerFlags, readerFlags);
        reader.accept(visitor, readerFlags);
        return writer.toByteArray();
    }

    /** The methods a decoration may advise, as ByteBuddy's decorate offers them: no synthetic ones, no default finalizer. */
    private static MethodList<MethodDescription> decoratedMethods(TypeDescription type) {
        List<MethodDescription> methods = new ArrayList<>(type.getDeclaredMethods().filter(not(isSynthetic().or(isDefaultFinalizer()))));
        methods.add(new MethodDescription.Latent.TypeInitializer(type));
        return new MethodList.Explicit<>(methods);
    }

    /**
     * Stack map frames as ByteBuddy writes them for a decorated class of this version (frames are
     * never computed: {@link #weave} refuses that).
     */
    private static Implementation.Context.FrameGeneration frameGeneration(ClassFileVersion version, int readerFlags) {
        if (!version.isAtLeast(ClassFileVersion.JAVA_V6)) {
            return Implementation.Context.FrameGeneration.DISABLED;
        }
        return (readerFlags & ClassReader.EXPAND_FRAMES) == 0
                ? Implementation.Context.FrameGeneration.GENERATE
                : Implementation.Context.FrameGeneration.EXPAND;
    }

    /**
     * {@code invokestatic EgressHooks.adviceFailed(Throwable)} with the advice's Throwable on the
     * stack. Written as the instruction itself: describing the method through reflection
     * ({@code MethodDescription.ForLoadedMethod}) set up ByteBuddy's reflection dispatchers, ~25 ms
     * of a first start.
     */
    private static final class CallAdviceFailed implements StackManipulation {
        private static final String OWNER = Type.getInternalName(EgressHooks.class);

        @Override
        public boolean isValid() {
            return true;
        }

        @Override
        public Size apply(MethodVisitor visitor, Implementation.Context context) {
            visitor.visitMethodInsn(Opcodes.INVOKESTATIC, OWNER, "adviceFailed", "(Ljava/lang/Throwable;)V", false);
            return new Size(-1, 0); // takes the Throwable, returns nothing
        }
    }
}
