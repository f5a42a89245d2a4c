package io.mcpegress.instrumentation.api;

import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import io.mcpegress.instrumentation.api.match.Matcher;
import io.mcpegress.instrumentation.api.match.Matchers;
import io.mcpegress.instrumentation.api.type.TypeShape;


/**
 * Matches one library class by its exact name (so it only ever matches where the library is on the
 * class path) and insists that every advice binding finds its method. A library version whose
 * internals moved would otherwise be skipped silently, which for an egress control is a policy
 * bypass; throwing here makes the agent's transformation listener report the class as
 * "could not instrument ... NOT routed or audited".
 */
public final class StrictTypeMatcher implements Matcher<TypeShape> {

    private final AdviceBinding[] bindings;

    private StrictTypeMatcher(AdviceBinding[] bindings) {
        this.bindings = bindings;
    }

    public static TypeInstrumentation instrument(String typeName, AdviceBinding... bindings) {
        return TypeInstrumentation.of(typeName, new StrictTypeMatcher(bindings), bindings);
    }

    /** Like {@link #instrument} for one variant of the advice, chosen by {@code variant}. */
    public static TypeInstrumentation instrument(String typeName, Matcher<? super TypeShape> variant,
                                          AdviceBinding... bindings) {
        return TypeInstrumentation.of(typeName, new StrictTypeMatcher(bindings).and(variant), bindings);
    }

    @Override
    public boolean matches(TypeShape type) {
        for (AdviceBinding binding : bindings) {
            if (!Matchers.declaresMethod(binding.methods()).matches(type)) {
                throw new IllegalStateException("unsupported version of " + type.name()
                        + ": no method matches " + binding.methods() + " (needed by " + binding.adviceClassName() + ")");
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "everyAdviceBindingApplies";
    }
}
