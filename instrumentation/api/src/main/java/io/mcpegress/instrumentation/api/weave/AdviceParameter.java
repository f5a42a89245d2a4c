package io.mcpegress.instrumentation.api.weave;

import net.bytebuddy.jar.asm.Type;

/**
 * What one parameter of an advice method stands for in the advised method, as its ByteBuddy
 * {@code @Advice.*} annotation says. The parameter is never a real local of the woven code: each
 * read of it becomes a read of the value it names (a method argument, a field, the return value...)
 * and each write, where allowed, a write to that value.
 *
 * @param type     the parameter's declared type in the advice method
 * @param index    the argument index ({@link Kind#ARGUMENT})
 * @param name     the field's or the shared local's name ({@link Kind#FIELD}, {@link Kind#LOCAL})
 * @param writable {@code readOnly = false}: the advice may assign it
 */
record AdviceParameter(Kind kind, Type type, int index, String name, boolean writable) {

    enum Kind {
        ARGUMENT, THIS, FIELD, ENTER, RETURN, THROWN, ORIGIN, ALL_ARGUMENTS, LOCAL
    }

    @Override
    public String toString() {
        return "@" + kind + (kind == Kind.ARGUMENT ? "(" + index + ")" : name == null ? "" : "(" + name + ")")
                + (writable ? " writable " : " ") + type.getClassName();
    }
}
