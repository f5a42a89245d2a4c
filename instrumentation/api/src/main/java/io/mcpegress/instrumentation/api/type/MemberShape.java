package io.mcpegress.instrumentation.api.type;

import net.bytebuddy.jar.asm.Opcodes;

/** What a field and a method share as their class file declares them: owner, access, name, descriptor. */
public abstract class MemberShape implements Named {

    private final TypeShape declaringType;
    private final int access;
    private final String name;
    private final String descriptor;

    MemberShape(TypeShape declaringType, int access, String name, String descriptor) {
        this.declaringType = declaringType;
        this.access = access;
        this.name = name;
        this.descriptor = descriptor;
    }

    /** The simple name; {@code <init>} for a constructor. */
    @Override
    public String name() {
        return name;
    }

    /** The type descriptor ({@code Ljava/net/Proxy;}) or method descriptor ({@code (Ljava/lang/String;)V}). */
    public String descriptor() {
        return descriptor;
    }

    public TypeShape declaringType() {
        return declaringType;
    }

    public boolean isStatic() {
        return (access & Opcodes.ACC_STATIC) != 0;
    }

    public boolean isPrivate() {
        return (access & Opcodes.ACC_PRIVATE) != 0;
    }

    public boolean isSynthetic() {
        return (access & Opcodes.ACC_SYNTHETIC) != 0;
    }

    boolean hasAccess(int flag) {
        return (access & flag) != 0;
    }

    /** The type a descriptor names, as the declaring class's loader would find it. */
    TypeShape typeOf(String typeDescriptor) {
        return declaringType.shapes().ofDescriptor(typeDescriptor);
    }

    @Override
    public String toString() {
        return declaringType.name() + "." + name;
    }
}
