package io.mcpegress.instrumentation.api.type;

import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.util.ArrayList;
import java.util.List;

/** A method or constructor as its class file declares it. */
public final class MethodShape implements Named {

    private final TypeShape declaringType;
    private final int access;
    private final String name;
    private final String descriptor;

    MethodShape(TypeShape declaringType, int access, String name, String descriptor) {
        this.declaringType = declaringType;
        this.access = access;
        this.name = name;
        this.descriptor = descriptor;
    }

    /** The method's name; {@code <init>} for a constructor. */
    @Override
    public String name() {
        return name;
    }

    /** The method descriptor ({@code (Ljava/lang/String;)V}). */
    public String descriptor() {
        return descriptor;
    }

    public TypeShape declaringType() {
        return declaringType;
    }

    public boolean isConstructor() {
        return name.equals("<init>");
    }

    public boolean isStatic() {
        return (access & Opcodes.ACC_STATIC) != 0;
    }

    public boolean isSynthetic() {
        return (access & Opcodes.ACC_SYNTHETIC) != 0;
    }

    public boolean isBridge() {
        return (access & Opcodes.ACC_BRIDGE) != 0;
    }

    public int parameterCount() {
        return Type.getArgumentCount(descriptor);
    }

    /** The parameter types, each read from its class file only when asked for its members. */
    public List<TypeShape> parameterTypes() {
        Type[] types = Type.getArgumentTypes(descriptor);
        List<TypeShape> list = new ArrayList<>(types.length);
        for (Type t : types) {
            list.add(declaringType.shapes().ofDescriptor(t.getDescriptor()));
        }
        return list;
    }

    public TypeShape parameterType(int index) {
        return declaringType.shapes().ofDescriptor(Type.getArgumentTypes(descriptor)[index].getDescriptor());
    }

    public TypeShape returnType() {
        return declaringType.shapes().ofDescriptor(Type.getReturnType(descriptor).getDescriptor());
    }

    @Override
    public String toString() {
        return declaringType.name() + "." + name + descriptor;
    }
}
