package io.mcpegress.instrumentation.api.type;

/** A field as its class file declares it. */
public final class FieldShape extends MemberShape {

    FieldShape(TypeShape declaringType, int access, String name, String descriptor) {
        super(declaringType, access, name, descriptor);
    }

    /** The field's type, read from its class file only when asked for its members. */
    public TypeShape type() {
        return typeOf(descriptor());
    }
}
