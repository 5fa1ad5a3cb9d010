package org.mtrrledger.events.codec;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate generated classes it does not trust ("Forbidden ... not trusted"), and its
 * system-property switch ({@code org.apache.avro.SERIALIZABLE_PACKAGES}) is read once, when Avro first validates a
 * class. This adds our generated package to the global validator instead, whenever it runs; every class that
 * builds or decodes {@code MtrrEvent}s calls it from a static initializer.
 */
public final class AvroTrust {
    private static final String PACKAGE = "org.mtrrledger.events.avro.";
    private static boolean installed;

    private AvroTrust() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
                c -> c.getName().startsWith(PACKAGE)));
        installed = true;
    }
}
