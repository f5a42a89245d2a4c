package io.mcpegress.instrumentation.api.type;

/** A class, method or field, by the name a matcher compares. */
public interface Named {

    /** Binary name of a class ({@code okhttp3.Interceptor$Chain}, {@code int}); a method's or field's simple name ({@code <init>} for a constructor). */
    String name();
}
