package org.mtrrledger.events.codec;

/** A payload whose header names a schema fingerprint this build does not know, or that is not single-object encoded. */
public final class UnknownSchemaException extends RuntimeException {
    public UnknownSchemaException(String message) {
        super(message);
    }
}
