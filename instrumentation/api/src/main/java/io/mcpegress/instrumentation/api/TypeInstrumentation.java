package io.mcpegress.instrumentation.api;

import io.mcpegress.instrumentation.api.match.Matcher;
import io.mcpegress.instrumentation.api.match.Matchers;
import io.mcpegress.instrumentation.api.type.MethodShape;
import io.mcpegress.instrumentation.api.type.TypeShape;

import java.util.List;

import static io.mcpegress.instrumentation.api.match.Matchers.any;
import static io.mcpegress.instrumentation.api.match.Matchers.named;

/**
 * Advice for one class, named exactly: the agent looks each class that loads up by its name and
 * parses nothing else, so start-up never pays for classes the agent does not touch.
 */
public interface TypeInstrumentation {

    /** The class's binary name ({@code okhttp3.Address}, {@code a.b.Outer$Inner}). */
    String typeName();

    /** The whole condition on the class: its name, plus any version variant or strictness check. */
    Matcher<TypeShape> typeMatcher();

    List<AdviceBinding> adviceBindings();

    /** One advice class (by name, never loaded by the agent) bound to the methods it wraps. */
    record AdviceBinding(Matcher<? super MethodShape> methods, String adviceClassName) {
    }

    static TypeInstrumentation of(String typeName, AdviceBinding... bindings) {
        return of(typeName, any(), bindings);
    }

    /** @param condition what the named class must also satisfy (e.g. which variant of a version it is) */
    static TypeInstrumentation of(String typeName, Matcher<? super TypeShape> condition,
                                  AdviceBinding... bindings) {
        List<AdviceBinding> list = List.of(bindings);
        Matcher<TypeShape> matcher = Matchers.<TypeShape>named(typeName).and(condition);
        return new TypeInstrumentation() {
            @Override
            public String typeName() {
                return typeName;
            }

            @Override
            public Matcher<TypeShape> typeMatcher() {
                return matcher;
            }

            @Override
            public List<AdviceBinding> adviceBindings() {
                return list;
            }

            @Override
            public String toString() {
                return typeName;
            }
        };
    }
}
