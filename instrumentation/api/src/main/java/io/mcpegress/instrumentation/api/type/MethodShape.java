package io.mcpegress.instrumentation.api.type;

import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

import java.util.ArrayList;
import java.util.List;

/** A method or constructor as its class file declares it. */
public final class MethodShape extends MemberShape {

    MethodShape(TypeShape declaringType, int access, String name, String descriptor) {
        super(declaringType, access, name, descriptor);
    }

    public boolean isConstructor() {
        return name().equals("<init>");
    }

    public boolean isBridge() {
        return hasAccess(Opcodes.ACC_BRIDGE);
    }

    public int parameterCount() {
        return Type.getArgumentCount(descriptor());
    }

    /** The parameter types, each read from its class file only when asked for its members. */
    public List<TypeShape> parameterTypes() {
        Type[] types = Type.getArgumentTypes(descriptor());
        List<TypeShape> list = new ArrayList<>(types.length);
        for (Type t : types) {
            list.add(typeOf(t.getDescriptor()));
        }
        return list;
    }

    public TypeShape parameterType(int index) {
        return typeOf(Type.getArgumentTypes(descriptor())[index].getDescriptor());
    }

    public TypeShape returnType() {
        return typeOf(Type.getReturnType(descriptor()).getDescriptor());
    }

    @Override
    public String toString() {
        return super.toString() + descriptor();
    }
}
