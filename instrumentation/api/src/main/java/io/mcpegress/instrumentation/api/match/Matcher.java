package io.mcpegress.instrumentation.api.match;

/**
 * A condition on a class, method or field shape ({@link io.mcpegress.instrumentation.api.type}),
 * combined like ByteBuddy's element matchers, whose vocabulary {@link Matchers} keeps: the agent
 * evaluates them on class files it reads with ASM, so weaving needs neither ByteBuddy's type pool
 * nor its matchers.
 */
public interface Matcher<T> {

    boolean matches(T target);

    default <U extends T> Matcher<U> and(Matcher<? super U> other) {
        return new Matchers.Junction<>(this, other, true);
    }

    default <U extends T> Matcher<U> or(Matcher<? super U> other) {
        return new Matchers.Junction<>(this, other, false);
    }
}
