package io.mcpegress.instrumentation.api.weave;

/**
 * Finds the field an {@code @Advice.FieldValue} names, as ByteBuddy does: declared by the advised
 * class or inherited from one of its superclasses.
 */
public interface FieldLookup {

    /**
     * @param owner      internal name of the class that declares the field
     * @param descriptor the field's type descriptor, exactly as declared
     */
    record Field(String owner, String descriptor, boolean isStatic) {
    }

    /** The field named {@code name} visible from the advised class; throws when there is none. */
    Field find(String name);
}
