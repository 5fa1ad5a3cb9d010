package org.mtrrledger.events.parse;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.mtrrledger.events.model.Hex;

/**
 * Escapes free-text values (VM ids, device names) inside {@code # mtrr:} records, where tokens are separated by
 * whitespace. Printable ASCII other than {@code %} and {@code =} stays as is; everything else becomes {@code %XX}
 * of its UTF-8 bytes, so {@code 0000:01:00.0} and {@code vm-1} read naturally.
 */
final class PercentCodec {
    private PercentCodec() {
    }

    static String encode(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0x20 && c < 0x7f && c != '%' && c != '=') {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            int end = Character.isHighSurrogate(c) && i + 1 < text.length() ? i + 2 : i + 1;
            for (byte b : text.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
            i = end - 1;
        }
        return out == null ? text : out.toString();
    }

    static String decode(String token) throws BadLine {
        if (token.indexOf('%') < 0) {
            return token;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(token.length());
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '%') {
                if (i + 2 >= token.length() || !Hex.isHexDigit(token.charAt(i + 1))
                        || !Hex.isHexDigit(token.charAt(i + 2))) {
                    throw new BadLine("bad %-escape in '" + token + "', expected %XX");
                }
                bytes.write(Integer.parseInt(token.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                int cp = token.codePointAt(i);
                byte[] raw = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
                i += Character.charCount(cp) - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadLine("%-escapes in '" + token + "' are not valid UTF-8");
        }
    }
}
