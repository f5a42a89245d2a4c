package io.mcpegress.agent.audit;

/** A schema encoder that can write the tamper-evidence fields of {@link ChainedEncoder}. */
public interface ChainableEncoder extends AuditEncoder {

    /** From now on every line carries the fields of {@code stamp} (read at each encode). */
    void attach(ChainStamp stamp);
}
