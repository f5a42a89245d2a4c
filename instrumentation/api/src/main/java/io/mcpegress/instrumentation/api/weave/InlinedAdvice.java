package io.mcpegress.instrumentation.api.weave;

import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.Attribute;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.TypePath;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Copies the code of one advice method into the advised method: reads and writes of the advice's
 * parameters become reads and writes of what they stand for ({@link AdvisedMethod#load},
 * {@link AdvisedMethod#store}), its own locals move past the advised method's live slots, its
 * {@code return}s jump past the advice, and its frames get the advised method's locals in place of
 * the advice's parameters. Debug information of the advice is dropped.
 */
final class InlinedAdvice extends MethodVisitor {

    private final AdvisedMethod target;
    private final AdviceMethod advice;
    private final boolean isEnter;
    /** The advised method's frame locals where the advice runs; null when the class has no frames. */
    private final Object[] context;
    private final int contextSlots;
    private final int parameterSlots;
    private final int parameterCount;
    private final Label done;

    InlinedAdvice(MethodVisitor out, AdvisedMethod target, AdviceMethod advice, boolean isEnter, Object[] context,
                  int contextSlots, Label done) {
        super(OpenedClassReader.ASM_API, out);
        this.target = target;
        this.advice = advice;
        this.isEnter = isEnter;
        this.context = context;
        this.contextSlots = contextSlots;
        this.parameterSlots = advice.parameterSlots();
        this.parameterCount = advice.parameters().size();
        this.done = done;
    }

    // the advice method's own metadata and debug information stay with the advice class

    @Override
    public void visitParameter(String name, int access) {
    }

    @Override
    public AnnotationVisitor visitAnnotationDefault() {
        return null;
    }

    @Override
    public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
        return null;
    }

    @Override
    public AnnotationVisitor visitTypeAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public void visitAnnotableParameterCount(int parameterCount, boolean visible) {
    }

    @Override
    public AnnotationVisitor visitParameterAnnotation(int parameter, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public void visitAttribute(Attribute attribute) {
    }

    @Override
    public void visitCode() {
    }

    @Override
    public AnnotationVisitor visitInsnAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public AnnotationVisitor visitTryCatchAnnotation(int typeRef, TypePath typePath, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end, int index) {
    }

    @Override
    public AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start, Label[] end,
                                                          int[] index, String descriptor, boolean visible) {
        return null;
    }

    @Override
    public void visitLineNumber(int line, Label start) {
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
    }

    @Override
    public void visitEnd() {
    }

    // the code

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (context == null) {
            return;
        }
        if (type != Opcodes.F_NEW) {
            throw new IllegalStateException("advice " + advice.name() + ": stack map frames were not expanded");
        }
        int own = Math.max(0, numLocal - parameterCount); // the advice's locals after its parameters
        Object[] locals = new Object[context.length + own];
        System.arraycopy(context, 0, locals, 0, context.length);
        if (own > 0) {
            System.arraycopy(local, parameterCount, locals, context.length, own);
        }
        super.visitFrame(Opcodes.F_NEW, locals.length, locals, numStack, stack);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        if (varIndex >= parameterSlots) {
            super.visitVarInsn(opcode, varIndex - parameterSlots + contextSlots);
            return;
        }
        AdviceParameter p = advice.parameterAt(varIndex);
        if (opcode >= Opcodes.ILOAD && opcode <= Opcodes.ALOAD) {
            target.load(p, isEnter);
        } else if (opcode >= Opcodes.ISTORE && opcode <= Opcodes.ASTORE) {
            target.store(p);
        } else {
            throw new IllegalStateException("advice " + advice.name() + ": unexpected use of " + p);
        }
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        if (varIndex >= parameterSlots) {
            super.visitIincInsn(varIndex - parameterSlots + contextSlots, increment);
        } else {
            super.visitIincInsn(target.slotOf(advice.parameterAt(varIndex)), increment);
        }
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            target.adviceReturned(isEnter, done);
        } else {
            super.visitInsn(opcode);
        }
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
        // its bootstrap method would have to be copied into the advised class: compile advice without
        // indy (-XDstringConcat=inline, no lambdas)
        throw new IllegalStateException("advice " + advice.name() + " uses invokedynamic (" + name + "): not supported");
    }
}
