package io.mcpegress.instrumentation.api;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.List;

/**
 * Advice for one type: which type, and which advice class applies to which methods.
 * Matchers should be exact names; broad super-type scans cost startup time.
 */
public interface TypeInstrumentation {

    ElementMatcher<TypeDescription> typeMatcher();

    List<AdviceBinding> adviceBindings();

    /** One advice class (by name, never loaded by the agent) bound to the methods it wraps. */
    record AdviceBinding(ElementMatcher<? super MethodDescription> methods, String adviceClassName) {
    }

    static TypeInstrumentation of(ElementMatcher<TypeDescription> type, AdviceBinding... bindings) {
        List<AdviceBinding> list = List.of(bindings);
        return new TypeInstrumentation() {
            @Override
            public ElementMatcher<TypeDescription> typeMatcher() {
                return type;
            }

            @Override
            public List<AdviceBinding> adviceBindings() {
                return list;
            }
        };
    }
}
