package org.mtrrledger.events.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * SHA-256 of an ingested file's bytes: the identity used by the ingest ledger to publish each file once,
 * whatever its name or path.
 *
 * @param hex 64 lower-case hex digits
 */
public record IngestDigest(String hex) {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public IngestDigest {
        if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("not a SHA-256 hex digest (64 lower-case hex digits): " + hex);
        }
    }

    /** Parses a hex digest (upper or lower case). */
    public static IngestDigest of(String hex) {
        return new IngestDigest(hex == null ? null : hex.trim().toLowerCase(Locale.ROOT));
    }

    /** Hashes a file's content, streaming it. */
    public static IngestDigest sha256(Path file) {
        MessageDigest md = newSha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
        return new IngestDigest(HexFormat.of().formatHex(md.digest()));
    }

    /** Hashes bytes (for content that is not a file, and for tests). */
    public static IngestDigest sha256(byte[] content) {
        return new IngestDigest(HexFormat.of().formatHex(newSha256().digest(content)));
    }

    /** The first 12 hex digits, for messages. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @Override
    public String toString() {
        return "sha256:" + hex;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
