package io.mcpegress.instrumentation.api.weave;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/** Small instruction sequences the weaver writes: default values, constants, boxing, casts. */
final class Bytecode {

    private Bytecode() {
    }

    /** The stack map frame entry for a value of {@code type}. */
    static Object verificationType(Type type) {
        return switch (type.getSort()) {
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.LONG -> Opcodes.LONG;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            case Type.ARRAY -> type.getDescriptor();
            case Type.OBJECT -> type.getInternalName();
            default -> throw new IllegalArgumentException("no value of type " + type);
        };
    }

    /** Pushes 0, 0L, 0f, 0d or null; nothing for void. */
    static void pushDefault(MethodVisitor mv, Type type) {
        switch (type.getSort()) {
            case Type.VOID -> { }
            case Type.BOOLEAN, Type.BYTE, Type.CHAR, Type.SHORT, Type.INT -> mv.visitInsn(Opcodes.ICONST_0);
            case Type.FLOAT -> mv.visitInsn(Opcodes.FCONST_0);
            case Type.LONG -> mv.visitInsn(Opcodes.LCONST_0);
            case Type.DOUBLE -> mv.visitInsn(Opcodes.DCONST_0);
            default -> mv.visitInsn(Opcodes.ACONST_NULL);
        }
    }

    static void pushInt(MethodVisitor mv, int value) {
        if (value >= -1 && value <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, value);
        } else {
            mv.visitIntInsn(Opcodes.SIPUSH, value);
        }
    }

    static void pop(MethodVisitor mv, Type type) {
        if (type.getSize() == 2) {
            mv.visitInsn(Opcodes.POP2);
        } else if (type.getSize() == 1) {
            mv.visitInsn(Opcodes.POP);
        }
    }

    /**
     * Turns the value of type {@code from} on the stack into one of type {@code to}: boxing or
     * unboxing between a primitive and a reference, a cast between two reference types (never to
     * Object). Two different primitive types other than the int family are refused, as ByteBuddy
     * refuses them.
     */
    static void adapt(MethodVisitor mv, Type from, Type to) {
        if (from.equals(to)) {
            return;
        }
        boolean fromReference = isReference(from);
        boolean toReference = isReference(to);
        if (fromReference && toReference) {
            if (!to.getDescriptor().equals("Ljava/lang/Object;")) {
                mv.visitTypeInsn(Opcodes.CHECKCAST, to.getSort() == Type.ARRAY ? to.getDescriptor() : to.getInternalName());
            }
        } else if (!fromReference && toReference) {
            Type box = boxOf(from);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, box.getInternalName(), "valueOf",
                    Type.getMethodDescriptor(box, from), false);
        } else if (fromReference) {
            Type box = boxOf(to);
            mv.visitTypeInsn(Opcodes.CHECKCAST, box.getInternalName());
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, box.getInternalName(), to.getClassName() + "Value",
                    Type.getMethodDescriptor(to), false);
        } else if (!(isIntFamily(from) && isIntFamily(to))) {
            throw new IllegalStateException("advice cannot turn a " + from.getClassName() + " into a " + to.getClassName());
        }
    }

    static boolean isReference(Type type) {
        return type.getSort() == Type.OBJECT || type.getSort() == Type.ARRAY;
    }

    private static boolean isIntFamily(Type type) {
        int sort = type.getSort();
        return sort == Type.BOOLEAN || sort == Type.BYTE || sort == Type.CHAR || sort == Type.SHORT || sort == Type.INT;
    }

    private static Type boxOf(Type primitive) {
        return Type.getObjectType(switch (primitive.getSort()) {
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.BYTE -> "java/lang/Byte";
            case Type.CHAR -> "java/lang/Character";
            case Type.SHORT -> "java/lang/Short";
            case Type.INT -> "java/lang/Integer";
            case Type.FLOAT -> "java/lang/Float";
            case Type.LONG -> "java/lang/Long";
            case Type.DOUBLE -> "java/lang/Double";
            default -> throw new IllegalArgumentException("not a primitive: " + primitive);
        });
    }
}
