package io.mcpegress.instrumentation.api.weave;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import io.mcpegress.instrumentation.api.type.FieldShape;
import io.mcpegress.instrumentation.api.type.MethodShape;
import io.mcpegress.instrumentation.api.type.TypeShape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inlines advice into the methods of one class file in a single ASM read/write pass. Methods
 * without advice are copied as they are; the class gets no new members.
 */
public final class ClassWeaver {

    private ClassWeaver() {
    }

    /** Where the advice classes the bindings name are read from (parsed once each by the agent). */
    public interface AdviceSource {
        AdviceClass adviceClass(String name);
    }

    /**
     * Weaves each binding's advice into the methods of {@code type} it matches: declared by the
     * class, not compiler-generated (bridges and other synthetic methods stay as they are, as with
     * ByteBuddy's decoration). Bindings bound to one method nest in order, the first outermost.
     */
    public static byte[] weave(TypeShape type, byte[] classfile, List<AdviceBinding> bindings, AdviceSource advice) {
        Map<String, List<AdviceClass>> advised = new HashMap<>();
        for (AdviceBinding binding : bindings) {
            AdviceClass adviceClass = advice.adviceClass(binding.adviceClassName());
            for (MethodShape m : type.declaredMethods()) {
                if (!m.isSynthetic() && binding.methods().matches(m)) {
                    String key = m.name() + m.descriptor();
                    List<AdviceClass> list = advised.get(key);
                    if (list == null) {
                        list = new ArrayList<>(2);
                        advised.put(key, list);
                    }
                    list.add(adviceClass);
                }
            }
        }
        return weave(classfile, advised, new InheritedFields(type));
    }

    /**
     * @param advised each advised method, by name and descriptor ({@code call(Ljava/lang/Object;)V}),
     *                to its advice classes: the first is outermost (its enter advice runs first,
     *                its exit advice last), as ByteBuddy orders advice bound to one method
     */
    public static byte[] weave(byte[] classfile, Map<String, List<AdviceClass>> advised, FieldLookup fields) {
        ClassReader reader = OpenedClassReader.of(classfile);
        // unchanged methods are copied byte for byte; maxima are computed, frames never are
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(OpenedClassReader.ASM_API, writer) {
            private String owner;
            private boolean frames;

            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                owner = name;
                frames = (version & 0xFFFF) >= Opcodes.V1_6;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                List<AdviceClass> advice = advised.get(name + descriptor);
                if (advice == null || mv == null || (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                    return mv;
                }
                for (AdviceClass a : advice) {
                    mv = new AdvisedMethod(mv, owner, access, name, descriptor, frames, a, fields);
                }
                return mv;
            }
        }, ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /** A field by name in the class or, unless private, in a superclass: where ByteBuddy's FieldValue looks. */
    private static final class InheritedFields implements FieldLookup {
        private final TypeShape type;

        InheritedFields(TypeShape type) {
            this.type = type;
        }

        @Override
        public Field find(String name) {
            for (TypeShape t = type; t != null; t = t.superClass()) {
                for (FieldShape f : t.declaredFields()) {
                    if (f.name().equals(name) && (t == type || !f.isPrivate())) {
                        return new Field(t.internalName(), f.descriptor(), f.isStatic());
                    }
                }
            }
            throw new IllegalStateException("no field " + name + " in " + type.name() + " or its superclasses");
        }
    }
}
