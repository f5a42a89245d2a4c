package io.mcpegress.agent.advice;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.utility.OpenedClassReader;

import java.util.List;
import java.util.Map;

/**
 * Inlines advice into the methods of one class file in a single ASM read/write pass. Methods
 * without advice are copied as they are; the class gets no new members.
 */
public final class ClassWeaver {

    private ClassWeaver() {
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
}
