package io.mcpegress.instrumentation.api.type;

import net.bytebuddy.jar.asm.Opcodes;

/** A field as its class file declares it. */
public final class FieldShape implements Named {

    private final TypeShape declaringType;
    private final int access;
    private final String name;
    private final String descriptor;

    FieldShape(TypeShape declaringType, int access, String name, String descriptor) {
        this.declaringType = declaringType;
        this.access = access;
        this.name = name;
        this.descriptor = descriptor;
    }

    @Override
    public String name() {
        return name;
    }

    public TypeShape declaringType() {
        return declaringType;
    }

    /** The field's type descriptor ({@code Ljava/net/Proxy;}). */
    public String descriptor() {
        return descriptor;
    }

    /** The field's type, read from its class file only when asked for its members. */
    public TypeShape type() {
        return declaringType.shapes().ofDescriptor(descriptor);
    }

    public boolean isStatic() {
        return (access & Opcodes.ACC_STATIC) != 0;
    }

    public boolean isPrivate() {
        return (access & Opcodes.ACC_PRIVATE) != 0;
    }

    @Override
    public String toString() {
        return declaringType.name() + "." + name;
    }
}
