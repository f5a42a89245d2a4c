package io.mcpegress.instrumentation.api.weave;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;
import net.bytebuddy.utility.OpenedClassReader;

import java.util.ArrayList;
import java.util.List;

/**
 * Weaves one advice class into one method as its code streams through: the enter advice first,
 * then the original code, then the exit advice where the original code returns (and, with
 * {@code onThrowable}, where it throws). The layout and the semantics are ByteBuddy's inlined
 * {@code Advice}:
 * <pre>
 *   [enter value and @Local slots := default]
 *   enter advice (its returns jump to afterEnter; with suppress, a Throwable it throws is counted)
 *   afterEnter: [skipOn: enter value instanceof T ? return value := default, go to normalExit]
 *   bodyStart: original code, its locals shifted past the advice's slots; xRETURN becomes
 *              "store the return value, go to normalExit"
 *   bodyEnd:   [onThrowable handler for bodyStart..bodyEnd: thrown := it, return value := default, go to exitStart]
 *   normalExit: thrown := null
 *   exitStart: exit advice (returns jump to afterExit; with suppress, counted)
 *   afterExit: thrown != null ? throw thrown : return the return value
 * </pre>
 * Slots: {@code this} and the parameters, then the enter value and the {@code @Local}s (live through
 * the whole method), then the original code's own locals; at the exit the return value and the
 * throwable take the first slots after the shared ones. Stack map frames are written for every
 * label the weaving jumps to and the original frames get the shared slots inserted, so frames are
 * never computed (that would load classes to find common supertypes).
 */
final class AdvisedMethod extends MethodVisitor {

    private static final String HOOKS = "io/mcpegress/bootstrap/EgressHooks";
    private static final String THROWABLE = "java/lang/Throwable";

    private final String owner;
    private final String methodName;
    private final boolean isStatic;
    private final boolean isConstructor;
    private final boolean frames;
    private final Type[] arguments;
    private final Type returnType;
    private final AdviceClass advice;
    private final AdviceMethod enter;
    private final AdviceMethod exit;
    private final FieldLookup fields;

    /** First slot after {@code this} and the parameters: where the original code's own locals began. */
    private final int firstShifted;
    /** Slots the enter value and the shared locals take; the original locals move up by this much. */
    private final int shift;
    private final int enterSlot;
    private final Type enterType;
    private final List<String> localNames = new ArrayList<>();
    private final List<Type> localTypes = new ArrayList<>();
    private final int returnSlot;
    private final int thrownSlot;

    private final Label bodyStart = new Label();
    private final Label bodyEnd = new Label();
    private final Label normalExit = new Label();
    private final Label exitStart = new Label();

    /**
     * @param next         where the woven method is written
     * @param owner        internal name of the advised class
     * @param frames       whether the class file has stack map frames (version 50 and later)
     */
    AdvisedMethod(MethodVisitor next, String owner, int access, String name, String descriptor, boolean frames,
                  AdviceClass advice, FieldLookup fields) {
        super(OpenedClassReader.ASM_API, new FrameSpacer(next));
        this.owner = owner;
        this.methodName = name;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.isConstructor = name.equals("<init>");
        this.frames = frames;
        this.arguments = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
        this.advice = advice;
        this.enter = advice.enter();
        this.exit = advice.exit();
        this.fields = fields;

        int slot = isStatic ? 0 : 1;
        for (Type argument : arguments) {
            slot += argument.getSize();
        }
        firstShifted = slot;
        if (enter != null && enter.returnType().getSort() != Type.VOID) {
            enterType = enter.returnType();
            enterSlot = slot;
            slot += enterType.getSize();
        } else {
            enterType = null;
            enterSlot = -1;
        }
        collectLocals(enter);
        collectLocals(exit);
        for (Type t : localTypes) {
            slot += t.getSize();
        }
        shift = slot - firstShifted;
        returnSlot = slot;
        thrownSlot = returnSlot + returnType.getSize();
        check();
    }

    private void collectLocals(AdviceMethod method) {
        if (method == null) {
            return;
        }
        for (AdviceParameter p : method.parameters()) {
            if (p.kind() != AdviceParameter.Kind.LOCAL) {
                continue;
            }
            int i = localNames.indexOf(p.name());
            if (i < 0) {
                localNames.add(p.name());
                localTypes.add(p.type());
            } else if (!localTypes.get(i).equals(p.type())) {
                throw unsupported("@Advice.Local(\"" + p.name() + "\") has two types");
            }
        }
    }

    /** What ByteBuddy refuses too, refused before a byte is written. */
    private void check() {
        if (isConstructor && exit != null && exit.onThrowable()) {
            throw unsupported("exit advice with onThrowable on a constructor");
        }
        if (isConstructor && enter != null && enter.skipOn() != null) {
            throw unsupported("skipOn on a constructor");
        }
        if (enter != null && enter.skipOn() != null && !Bytecode.isReference(enter.returnType())) {
            throw unsupported("skipOn with an enter value that is not a reference");
        }
    }

    private IllegalStateException unsupported(String what) {
        return new IllegalStateException(advice.name() + " on " + owner.replace('/', '.') + "." + methodName + ": " + what);
    }

    // ---- the original code, as it streams through ----

    @Override
    public void visitCode() {
        super.visitCode();
        if (enterSlot >= 0) {
            Bytecode.pushDefault(mv, enterType);
            mv.visitVarInsn(enterType.getOpcode(Opcodes.ISTORE), enterSlot);
        }
        for (int i = 0; i < localNames.size(); i++) {
            Bytecode.pushDefault(mv, localTypes.get(i));
            mv.visitVarInsn(localTypes.get(i).getOpcode(Opcodes.ISTORE), localSlot(i));
        }
        if (enter != null) {
            inline(enter, shared(isConstructor), true);
            if (enter.skipOn() != null) {
                mv.visitVarInsn(Opcodes.ALOAD, enterSlot);
                mv.visitTypeInsn(Opcodes.INSTANCEOF, enter.skipOn().getInternalName());
                mv.visitJumpInsn(Opcodes.IFEQ, bodyStart);
                Bytecode.pushDefault(mv, returnType);
                if (exit != null) {
                    if (returnType.getSort() != Type.VOID) {
                        mv.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnSlot);
                    }
                    mv.visitJumpInsn(Opcodes.GOTO, normalExit);
                } else {
                    mv.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
                }
                mv.visitLabel(bodyStart);
                frame(shared(false), null);
            }
        }
        if (enter == null || enter.skipOn() == null) {
            mv.visitLabel(bodyStart);
        }
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        if (type != Opcodes.F_NEW) {
            throw unsupported("stack map frames were not expanded");
        }
        Object[] locals = local;
        int count = numLocal;
        if (shift > 0) {
            List<Object> inserted = new ArrayList<>(numLocal + localTypes.size() + 1);
            int slot = 0;
            int i = 0;
            while (slot < firstShifted) { // this and the parameters, padded when the frame ends early
                Object entry = i < numLocal ? local[i++] : Opcodes.TOP;
                inserted.add(entry);
                slot += entry == Opcodes.LONG || entry == Opcodes.DOUBLE ? 2 : 1;
            }
            addSharedSlots(inserted);
            while (i < numLocal) {
                inserted.add(local[i++]);
            }
            locals = inserted.toArray();
            count = locals.length;
        }
        super.visitFrame(Opcodes.F_NEW, count, locals, numStack, stack);
    }

    @Override
    public void visitVarInsn(int opcode, int varIndex) {
        super.visitVarInsn(opcode, shifted(varIndex));
    }

    @Override
    public void visitIincInsn(int varIndex, int increment) {
        super.visitIincInsn(shifted(varIndex), increment);
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end, int index) {
        super.visitLocalVariable(name, descriptor, signature, start, end, shifted(index));
    }

    @Override
    public net.bytebuddy.jar.asm.AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start,
                                                                                Label[] end, int[] index, String descriptor,
                                                                                boolean visible) {
        int[] moved = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            moved[i] = shifted(index[i]);
        }
        return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, moved, descriptor, visible);
    }

    @Override
    public void visitInsn(int opcode) {
        if (exit != null && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            if (returnType.getSort() != Type.VOID) {
                mv.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnSlot);
            }
            mv.visitJumpInsn(Opcodes.GOTO, normalExit);
            return;
        }
        super.visitInsn(opcode);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        if (exit != null) {
            writeExit();
        }
        super.visitMaxs(maxStack, maxLocals); // the writer computes both (COMPUTE_MAXS)
    }

    private int shifted(int slot) {
        return slot < firstShifted ? slot : slot + shift;
    }

    // ---- the exit ----

    private void writeExit() {
        mv.visitLabel(bodyEnd);
        List<Object> atExit = shared(false);
        if (returnType.getSort() != Type.VOID) {
            atExit.add(Bytecode.verificationType(returnType));
        }
        if (exit.onThrowable()) {
            Label handler = new Label();
            mv.visitLabel(handler);
            frame(shared(false), THROWABLE);
            mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
            if (returnType.getSort() != Type.VOID) {
                Bytecode.pushDefault(mv, returnType);
                mv.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnSlot);
            }
            mv.visitJumpInsn(Opcodes.GOTO, exitStart);
            // after every handler of the original code: it only sees what the method itself does not catch
            mv.visitTryCatchBlock(bodyStart, bodyEnd, handler, THROWABLE);
        }
        mv.visitLabel(normalExit);
        frame(atExit, null);
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
        mv.visitLabel(exitStart);
        atExit.add(THROWABLE);
        frame(atExit, null);
        inline(exit, atExit, false);
        if (exit.onThrowable() || exit.uses(AdviceParameter.Kind.THROWN)) {
            Label returns = new Label();
            mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
            mv.visitJumpInsn(Opcodes.IFNULL, returns);
            mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitLabel(returns);
            frame(atExit, null);
        }
        if (returnType.getSort() != Type.VOID) {
            mv.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), returnSlot);
        }
        mv.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
    }

    // ---- inlining one advice method ----

    /** Copies {@code method}'s code here; {@code context} is the frame's locals where it starts. */
    private void inline(AdviceMethod method, List<Object> context, boolean isEnter) {
        int contextSlots = isEnter ? firstShifted + shift : thrownSlot + 1;
        Label start = new Label();
        Label end = new Label();
        Label done = new Label();
        mv.visitLabel(start);
        advice.replay(method, new InlinedAdvice(mv, this, method, isEnter, frames ? context.toArray() : null, contextSlots, done));
        mv.visitLabel(end);
        if (method.suppress() != null) {
            Label handler = new Label();
            mv.visitLabel(handler);
            frame(context, method.suppress().getInternalName());
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "adviceFailed", "(Ljava/lang/Throwable;)V", false);
            // after the advice's own handlers, which it visited first
            mv.visitTryCatchBlock(start, end, handler, method.suppress().getInternalName());
        }
        mv.visitLabel(done);
        frame(context, null);
    }

    /** The advice's {@code return}: the enter value is kept, then on past the advice. */
    void adviceReturned(boolean isEnter, Label done) {
        if (isEnter && enterSlot >= 0) {
            mv.visitVarInsn(enterType.getOpcode(Opcodes.ISTORE), enterSlot);
        } else if (!isEnter) {
            Bytecode.pop(mv, exit.returnType());
        }
        mv.visitJumpInsn(Opcodes.GOTO, done);
    }

    /** Pushes what advice parameter {@code p} stands for, as a value of the parameter's type. */
    void load(AdviceParameter p, boolean isEnter) {
        switch (p.kind()) {
            case ARGUMENT -> {
                Type t = argument(p.index());
                mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), argumentSlot(p.index()));
                Bytecode.adapt(mv, t, p.type());
            }
            case THIS -> {
                if (isStatic || (isConstructor && isEnter)) {
                    throw unsupported("@Advice.This " + (isStatic ? "in a static method" : "before the constructor ran"));
                }
                mv.visitVarInsn(Opcodes.ALOAD, 0);
            }
            case FIELD -> {
                FieldLookup.Field f = field(p.name());
                if (f.isStatic()) {
                    mv.visitFieldInsn(Opcodes.GETSTATIC, f.owner(), p.name(), f.descriptor());
                } else {
                    mv.visitVarInsn(Opcodes.ALOAD, 0);
                    mv.visitFieldInsn(Opcodes.GETFIELD, f.owner(), p.name(), f.descriptor());
                }
                Bytecode.adapt(mv, Type.getType(f.descriptor()), p.type());
            }
            case ENTER -> {
                mv.visitVarInsn(enterType.getOpcode(Opcodes.ILOAD), enterSlot);
                Bytecode.adapt(mv, enterType, p.type());
            }
            case RETURN -> {
                if (returnType.getSort() == Type.VOID) {
                    Bytecode.pushDefault(mv, p.type());
                } else {
                    mv.visitVarInsn(returnType.getOpcode(Opcodes.ILOAD), returnSlot);
                    Bytecode.adapt(mv, returnType, p.type());
                }
            }
            case THROWN -> {
                mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
                Bytecode.adapt(mv, Type.getObjectType(THROWABLE), p.type());
            }
            case ORIGIN -> mv.visitLdcInsn(Type.getObjectType(owner));
            case ALL_ARGUMENTS -> {
                Bytecode.pushInt(mv, arguments.length);
                mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
                for (int i = 0; i < arguments.length; i++) {
                    mv.visitInsn(Opcodes.DUP);
                    Bytecode.pushInt(mv, i);
                    mv.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), argumentSlot(i));
                    Bytecode.adapt(mv, arguments[i], Type.getObjectType("java/lang/Object"));
                    mv.visitInsn(Opcodes.AASTORE);
                }
            }
            case LOCAL -> {
                int i = localNames.indexOf(p.name());
                mv.visitVarInsn(localTypes.get(i).getOpcode(Opcodes.ILOAD), localSlot(i));
            }
        }
    }

    /** Stores the value on the stack (of the parameter's type) where advice parameter {@code p} points. */
    void store(AdviceParameter p) {
        if (!p.writable()) {
            throw unsupported(p + " is read-only but the advice assigns it");
        }
        switch (p.kind()) {
            case ARGUMENT -> {
                Type t = argument(p.index());
                Bytecode.adapt(mv, p.type(), t);
                mv.visitVarInsn(t.getOpcode(Opcodes.ISTORE), argumentSlot(p.index()));
            }
            case FIELD -> {
                FieldLookup.Field f = field(p.name());
                Type t = Type.getType(f.descriptor());
                Bytecode.adapt(mv, p.type(), t);
                if (f.isStatic()) {
                    mv.visitFieldInsn(Opcodes.PUTSTATIC, f.owner(), p.name(), f.descriptor());
                } else {
                    if (t.getSize() != 1) {
                        throw unsupported("assigning a long or double field");
                    }
                    mv.visitVarInsn(Opcodes.ALOAD, 0);
                    mv.visitInsn(Opcodes.SWAP);
                    mv.visitFieldInsn(Opcodes.PUTFIELD, f.owner(), p.name(), f.descriptor());
                }
            }
            case ENTER -> {
                Bytecode.adapt(mv, p.type(), enterType);
                mv.visitVarInsn(enterType.getOpcode(Opcodes.ISTORE), enterSlot);
            }
            case RETURN -> {
                if (returnType.getSort() == Type.VOID) {
                    Bytecode.pop(mv, p.type());
                } else {
                    Bytecode.adapt(mv, p.type(), returnType);
                    mv.visitVarInsn(returnType.getOpcode(Opcodes.ISTORE), returnSlot);
                }
            }
            case THROWN -> {
                Bytecode.adapt(mv, p.type(), Type.getObjectType(THROWABLE));
                mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
            }
            case LOCAL -> {
                int i = localNames.indexOf(p.name());
                mv.visitVarInsn(localTypes.get(i).getOpcode(Opcodes.ISTORE), localSlot(i));
            }
            default -> throw unsupported("assigning " + p);
        }
    }

    /** The slot behind a parameter the advice increments in place ({@code iinc}). */
    int slotOf(AdviceParameter p) {
        if (!p.writable()) {
            throw unsupported(p + " is read-only but the advice assigns it");
        }
        return switch (p.kind()) {
            case ARGUMENT -> {
                argument(p.index());
                yield argumentSlot(p.index());
            }
            case LOCAL -> localSlot(localNames.indexOf(p.name()));
            case ENTER -> enterSlot;
            case RETURN -> returnSlot;
            default -> throw unsupported("incrementing " + p);
        };
    }

    private Type argument(int index) {
        if (index < 0 || index >= arguments.length) {
            throw unsupported("@Advice.Argument(" + index + ") but the method takes " + arguments.length);
        }
        return arguments[index];
    }

    private int argumentSlot(int index) {
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < index; i++) {
            slot += arguments[i].getSize();
        }
        return slot;
    }

    private int localSlot(int index) {
        int slot = firstShifted + (enterSlot >= 0 ? enterType.getSize() : 0);
        for (int i = 0; i < index; i++) {
            slot += localTypes.get(i).getSize();
        }
        return slot;
    }

    private FieldLookup.Field field(String name) {
        FieldLookup.Field f = fields.find(name);
        if (!f.isStatic() && isStatic) {
            throw unsupported("@Advice.FieldValue(\"" + name + "\") is an instance field, read from a static method");
        }
        return f;
    }

    // ---- frames ----

    /** {@code this}, the parameters, the enter value and the shared locals, as frame entries. */
    private List<Object> shared(boolean uninitializedThis) {
        List<Object> locals = new ArrayList<>(arguments.length + localTypes.size() + 4);
        if (!isStatic) {
            locals.add(uninitializedThis ? Opcodes.UNINITIALIZED_THIS : owner);
        }
        for (Type argument : arguments) {
            locals.add(Bytecode.verificationType(argument));
        }
        addSharedSlots(locals);
        return locals;
    }

    private void addSharedSlots(List<Object> locals) {
        if (enterSlot >= 0) {
            locals.add(Bytecode.verificationType(enterType));
        }
        for (Type t : localTypes) {
            locals.add(Bytecode.verificationType(t));
        }
    }

    /** A frame with these locals and an empty stack ({@code stackTop} null) or one value of that type. */
    private void frame(List<Object> locals, String stackTop) {
        frame(locals.toArray(), stackTop);
    }

    void frame(Object[] locals, String stackTop) {
        if (!frames) {
            return;
        }
        Object[] stack = stackTop == null ? new Object[0] : new Object[] {stackTop};
        mv.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
    }
}
