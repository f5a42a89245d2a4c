package io.mcpegress.instrumentation.api.weave;

import net.bytebuddy.jar.asm.Type;

import java.util.List;

/**
 * One {@code @Advice.OnMethodEnter} or {@code @Advice.OnMethodExit} method of an advice class, as
 * read from its class file (the advice class itself is never loaded by the weaver).
 *
 * @param suppress    the Throwable type the advice swallows (counted by {@code EgressHooks.adviceFailed}), or null
 * @param skipOn      enter only: the original code is skipped when the enter value is an instance of this type, or null
 * @param onThrowable exit only: the exit advice also runs when the original code throws
 */
record AdviceMethod(String name, String descriptor, List<AdviceParameter> parameters, Type returnType,
                    Type suppress, Type skipOn, boolean onThrowable) {

    /** Local variable slots the advice's parameters take in its own code (the advice is static). */
    int parameterSlots() {
        int slots = 0;
        for (AdviceParameter p : parameters) {
            slots += p.type().getSize();
        }
        return slots;
    }

    /** The parameter held in the advice's local variable {@code slot}, or null for a local of its own. */
    AdviceParameter parameterAt(int slot) {
        int at = 0;
        for (AdviceParameter p : parameters) {
            if (slot == at) {
                return p;
            }
            at += p.type().getSize();
            if (slot < at) {
                throw new IllegalStateException("advice " + name + " reads half of a two-slot parameter");
            }
        }
        return null;
    }

    boolean uses(AdviceParameter.Kind kind) {
        for (AdviceParameter p : parameters) {
            if (p.kind() == kind) {
                return true;
            }
        }
        return false;
    }
}
