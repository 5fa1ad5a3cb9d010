package org.mtrrledger.events.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.events.model.Hex;

/**
 * The fields of one JSON Lines object as {@link JsonLineDecoder} checks them: one slot per field name of the
 * grammar instead of a tree, plus the order the names came in (the first unknown field is the one reported). One
 * instance per decoder, refilled line after line, so a good line allocates no map and no nodes.
 *
 * <p>Filled in one of three ways, each taking over the lines the one before gives up on: {@link #scan} reads the
 * line's characters itself, accepting only the plain shape writers emit (known names once each, unescaped strings
 * of up to 1,024 characters, non-negative integers within a long, {@code true}/{@code false}/{@code null}, spaces and
 * tabs); {@link #stream} reads Jackson's tokens, taking anything a good line can hold; {@link #copy} takes the
 * Jackson tree of a line the streaming pass gives up on, so bad JSON is reported in Jackson's words. All three hold
 * the same values: a value is what the tree's node for it says. The scan exists because Jackson's per-line parser
 * set-up and symbol lookup cost about as much as everything else in a line's decoding.
 */
final class JsonFields {
    /**
     * Every field name of the grammar; the ordinal is the slot, {@link #bit} its place in masks, {@link #bits} the
     * width of a number field (an unsigned integer or {@code "0x…"} string of at most that many bits), 0 for others.
     */
    enum Name {
        VM("vm", 0), TYPE("type", 0), TS_NS("ts_ns", 63), MAXPHYADDR("maxphyaddr", 64),
        GUEST_HAS_MTRR("guest_has_mtrr", 0), TDP_ENABLED("tdp_enabled", 0),
        QUIRK_CD_NW_CLEARED("quirk_cd_nw_cleared", 0), VCPU("vcpu", 64), OP("op", 0), CR0("cr0", 64),
        MSR("msr", 32), VALUE("value", 64), HOST_INITIATED("host_initiated", 0), GP("gp", 0), GPA("gpa", 64),
        LEN("len", 64), DEVICE("device", 0), DIRECTION("direction", 0);

        private static final Name[] ALL = values();
        private static final Map<String, Name> BY_JSON = new HashMap<>();
        private static final int MAX_LENGTH = 32;
        /** By length and first character: no two names of the grammar share both. */
        private static final Name[] BY_LENGTH_AND_FIRST = new Name[(MAX_LENGTH + 1) * 128];

        static {
            for (Name n : ALL) {
                BY_JSON.put(n.json, n);
                int slot = Math.min(n.json.length(), MAX_LENGTH + 1) * 128 + n.json.charAt(0);
                if (slot >= BY_LENGTH_AND_FIRST.length || BY_LENGTH_AND_FIRST[slot] != null) {
                    throw new ExceptionInInitializerError("JSON Lines field name " + n.json + " is longer than "
                            + MAX_LENGTH + " or shares length and first character with another");
                }
                BY_LENGTH_AND_FIRST[slot] = n;
            }
        }

        final String json;
        final int bit;
        final int bits;

        Name(String json, int bits) {
            this.json = json;
            this.bit = 1 << ordinal();
            this.bits = bits;
        }

        /** The name spelled {@code json}, or null for a name the grammar does not know. */
        static Name of(String json) {
            return BY_JSON.get(json);
        }

        /** The name spelled by {@code c[from..to)}, or null; without making a String. */
        static Name of(char[] c, int from, int to) {
            int length = to - from;
            if (length == 0 || length > MAX_LENGTH || c[from] >= 128) {
                return null;
            }
            Name n = BY_LENGTH_AND_FIRST[length * 128 + c[from]];
            return n != null && spells(n.json, c, from) ? n : null;
        }

        private static boolean spells(String json, char[] c, int from) {
            for (int k = 0; k < json.length(); k++) {
                if (c[from + k] != json.charAt(k)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The kind of a JSON value; OTHER (float, object, array) only ever comes from a tree. */
    enum Kind {
        STRING, INT, TRUE, FALSE, NULL, OTHER
    }

    /**
     * One field's value: the parts of a tree node the checks read. Reused line after line (one per {@link Name}),
     * hence mutable; valid until the next line is read.
     */
    static final class Value {
        Kind kind;
        /** STRING: the text; null for a number field's hex already parsed into {@link #number}. */
        String text;
        /** STRING of a number field: its {@code "0x…"} text was parsed as it was read, into {@link #number}. */
        boolean hex;
        /** INT within the long range, or a parsed hex. */
        long number;
        /** INT beyond the long range, else null. */
        BigInteger big;
        /** OTHER: the tree's node. */
        JsonNode other;
        /** The last text of this field, handed out again when the next line repeats it (the VM, the type). */
        private String last;

        private void clear() {
            text = null;
            hex = false;
            big = null;
            other = null;
        }

        /**
         * The value as the tree's node, for messages ({@code toString}, {@code getNodeType}) about a value the
         * decoder rejects: never a {@link #hex} one, which has no text to show.
         */
        JsonNode node() {
            return switch (kind) {
                case STRING -> TextNode.valueOf(text);
                case INT -> big != null ? BigIntegerNode.valueOf(big) : LongNode.valueOf(number);
                case TRUE -> BooleanNode.TRUE;
                case FALSE -> BooleanNode.FALSE;
                case NULL -> NullNode.getInstance();
                case OTHER -> other;
            };
        }
    }

    /**
     * Strings up to this long are read from the parser's buffer (a number field's hex parsed in place, a repeated
     * text reused) instead of becoming a new String; far below any of Jackson's length limits, which longer strings
     * meet through {@link JsonParser#getText()} exactly as the tree does.
     */
    private static final int SHORT = 64;

    /**
     * Longest string {@link #scan} takes (longer ones go to Jackson): far below Jackson's string length limit, so a
     * string Jackson would refuse for its length never passes the scan.
     */
    private static final int SCAN_MAX_STRING = 1024;

    private final Value[] values = new Value[Name.ALL.length];
    /** {@link #scan}'s copy of the line. */
    private char[] chars = new char[256];
    private final CharsView view = new CharsView();
    /** Field names not in {@link Name}, in order (a tree's only: the streaming pass gives up on them). */
    private final List<String> unknown = new ArrayList<>();
    /** Order of appearance: a {@link Name} ordinal, or {@code -1 - i} for {@code unknown.get(i)}. */
    private int[] order = new int[Name.ALL.length];
    private int count;
    /** The {@link Name#bit}s of the fields present. */
    private int present;

    JsonFields() {
        for (int i = 0; i < values.length; i++) {
            values[i] = new Value();
        }
    }

    /**
     * Reads the object {@code p} is about to start, token by token. Gives up (false) on anything a good line never
     * has: a root that is not an object, a name the grammar does not know, a name twice, a float, object or array
     * value, or anything after the object. The caller then builds the tree, whose failure or content says exactly
     * what is wrong. Duplicates are caught here by {@link #present}, which is why {@code p} need not detect them.
     *
     * @throws IOException when Jackson rejects the text; the tree will reject it with the same message
     */
    boolean stream(JsonParser p) throws IOException {
        clear();
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            Name field = Name.of(name);
            if (field == null || has(field)) {
                return false;
            }
            Value v = values[field.ordinal()];
            switch (p.nextToken()) {
                case VALUE_STRING -> string(p, field, v);
                case VALUE_NUMBER_INT -> {
                    // The calls the tree's node deserializer makes, so the same numbers fail the same way.
                    v.kind = Kind.INT;
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        v.big = p.getBigIntegerValue();
                    } else {
                        v.number = p.getLongValue();
                    }
                }
                case VALUE_TRUE -> v.kind = Kind.TRUE;
                case VALUE_FALSE -> v.kind = Kind.FALSE;
                case VALUE_NULL -> v.kind = Kind.NULL;
                default -> {
                    return false;
                }
            }
            add(field.ordinal());
        }
        return p.nextToken() == null;
    }

    /**
     * Reads a line in the plain shape writers emit, straight from its characters: an object of known names, each
     * once, whose values are strings of at most {@value #SCAN_MAX_STRING} characters without escapes or control
     * characters, integers up to {@link Long#MAX_VALUE} without sign or leading zero, {@code true},
     * {@code false} or {@code null}, with spaces and tabs around tokens and nothing after the object. Gives up
     * (false) on anything else, leaving the line to {@link #stream}; what it takes, it holds exactly as
     * {@link #stream} would.
     */
    boolean scan(String line) {
        clear();
        int n = line.length();
        if (chars.length < n) {
            chars = new char[Math.max(n, chars.length * 2)];
        }
        char[] c = chars;
        line.getChars(0, n, c, 0);
        int i = space(c, 0, n);
        if (i == n || c[i] != '{') {
            return false;
        }
        i = space(c, i + 1, n);
        if (i < n && c[i] == '}') {
            return space(c, i + 1, n) == n;
        }
        while (true) {
            if (i == n || c[i] != '"') {
                return false;
            }
            int nameEnd = stringEnd(c, i + 1, n);
            if (nameEnd < 0) {
                return false;
            }
            Name field = Name.of(c, i + 1, nameEnd);
            if (field == null || has(field)) {
                return false;
            }
            i = space(c, nameEnd + 1, n);
            if (i == n || c[i] != ':') {
                return false;
            }
            i = space(c, i + 1, n);
            if (i == n) {
                return false;
            }
            Value v = values[field.ordinal()];
            char first = c[i];
            if (first == '"') {
                int end = stringEnd(c, i + 1, n);
                if (end < 0) {
                    return false;
                }
                string(c, i + 1, end - i - 1, field, v);
                i = end + 1;
            } else if (first >= '0' && first <= '9') {
                int end = i;
                long value = 0;
                while (end < n && c[end] >= '0' && c[end] <= '9') {
                    int digit = c[end++] - '0';
                    if (value > (Long.MAX_VALUE - digit) / 10) {
                        return false; // beyond a long: Jackson's BigInteger
                    }
                    value = value * 10 + digit;
                }
                if (first == '0' && end - i > 1) {
                    return false;
                }
                v.kind = Kind.INT;
                v.number = value;
                i = end;
            } else if (literal(c, i, n, "true")) {
                v.kind = Kind.TRUE;
                i += 4;
            } else if (literal(c, i, n, "false")) {
                v.kind = Kind.FALSE;
                i += 5;
            } else if (literal(c, i, n, "null")) {
                v.kind = Kind.NULL;
                i += 4;
            } else {
                return false;
            }
            add(field.ordinal());
            i = space(c, i, n);
            if (i == n) {
                return false;
            }
            if (c[i] == '}') {
                return space(c, i + 1, n) == n;
            }
            if (c[i] != ',') {
                return false;
            }
            i = space(c, i + 1, n);
        }
    }

    /** The first index from {@code i} that is not a space or tab. */
    private static int space(char[] c, int i, int n) {
        while (i < n && (c[i] == ' ' || c[i] == '\t')) {
            i++;
        }
        return i;
    }

    /**
     * The index of the quote closing a string whose text starts at {@code from}, or -1 if the string has an escape
     * or a control character, is longer than {@value #SCAN_MAX_STRING} characters or is not closed.
     */
    private static int stringEnd(char[] c, int from, int n) {
        int limit = Math.min(n, from + SCAN_MAX_STRING + 1);
        for (int i = from; i < limit; i++) {
            char ch = c[i];
            if (ch == '"') {
                return i;
            }
            if (ch == '\\' || ch < 0x20) {
                return -1;
            }
        }
        return -1;
    }

    /** Whether {@code word} is at {@code i}, followed by a character that may end a value. */
    private static boolean literal(char[] c, int i, int n, String word) {
        int end = i + word.length();
        if (end > n) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (c[i + k] != word.charAt(k)) {
                return false;
            }
        }
        return end == n || c[end] == ',' || c[end] == '}' || c[end] == ' ' || c[end] == '\t';
    }

    private void string(JsonParser p, Name field, Value v) throws IOException {
        v.kind = Kind.STRING;
        int length = p.getTextLength();
        if (length > SHORT || !shortString(p.getTextCharacters(), p.getTextOffset(), length, field, v)) {
            v.text = p.getText();
            v.last = v.text;
        }
    }

    /** A string {@link #scan} read: the same value as {@link #string(JsonParser, Name, Value)} makes of it. */
    private void string(char[] c, int from, int length, Name field, Value v) {
        v.kind = Kind.STRING;
        if (field.bits > 0 && plainHex(c, from, length, field.bits, v)) {
            return;
        }
        if (length > SHORT || !shortString(c, from, length, field, v)) {
            v.text = new String(c, from, length);
            v.last = v.text;
        }
    }

    /**
     * The common case of a number field's {@code "0x…"} text, parsed without {@link Hex#parsePrefixed}'s checks and
     * messages: 1 to 16 hex digits whose value fits in {@code bits}. False for anything else, which
     * {@link #shortString} then judges.
     */
    private static boolean plainHex(char[] c, int from, int length, int bits, Value v) {
        if (length < 3 || length > 18 || c[from] != '0' || (c[from + 1] != 'x' && c[from + 1] != 'X')) {
            return false;
        }
        long value = 0;
        for (int i = from + 2; i < from + length; i++) {
            int digit = Character.digit(c[i], 16);
            if (digit < 0 || c[i] >= 128) {
                return false;
            }
            value = value << 4 | digit;
        }
        if (bits < 64 && value >>> bits != 0) {
            return false;
        }
        v.number = value;
        v.hex = true;
        return true;
    }

    /**
     * A short string read in place: a number field's hex parsed, or a repeated text reused. False if neither, and
     * the caller makes the text.
     */
    private boolean shortString(char[] c, int from, int length, Name field, Value v) {
        view.set(c, from, length);
        if (field.bits > 0) {
            try {
                v.number = Hex.parsePrefixed(view, field.bits);
                v.hex = true;
                return true;
            } catch (NumberFormatException e) {
                // Not hex of that width: keep the text; the decoder's check says what is wrong with it.
                return false;
            }
        }
        if (v.last != null && v.last.contentEquals(view)) {
            v.text = v.last;
            return true;
        }
        return false;
    }

    /** Takes the fields of a line's tree, in its order. */
    void copy(ObjectNode tree) {
        clear();
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
            Name field = Name.of(e.getKey());
            if (field == null) {
                unknown.add(e.getKey());
                add(-unknown.size());
                continue;
            }
            Value v = values[field.ordinal()];
            JsonNode n = e.getValue();
            if (n.isTextual()) {
                v.kind = Kind.STRING;
                v.text = n.textValue();
            } else if (n.isIntegralNumber()) {
                v.kind = Kind.INT;
                if (n.isBigInteger()) {
                    v.big = n.bigIntegerValue();
                } else {
                    v.number = n.longValue();
                }
            } else if (n.isBoolean()) {
                v.kind = n.booleanValue() ? Kind.TRUE : Kind.FALSE;
            } else if (n.isNull()) {
                v.kind = Kind.NULL;
            } else {
                v.kind = Kind.OTHER;
                v.other = n;
            }
            add(field.ordinal());
        }
    }

    private void add(int entry) {
        if (count == order.length) {
            order = Arrays.copyOf(order, count * 2);
        }
        order[count++] = entry;
        if (entry >= 0) {
            present |= 1 << entry;
        }
    }

    private void clear() {
        for (int i = 0; i < count; i++) {
            if (order[i] >= 0) {
                values[order[i]].clear();
            }
        }
        unknown.clear();
        count = 0;
        present = 0;
    }

    boolean has(Name field) {
        return (present & field.bit) != 0;
    }

    /** The value of a field that {@link #has} one. */
    Value get(Name field) {
        return values[field.ordinal()];
    }

    /** The first field, in line order, whose name is not in {@code allowed} (a mask of {@link Name#bit}s), or null. */
    String firstNotIn(int allowed) {
        for (int i = 0; i < count; i++) {
            int entry = order[i];
            if (entry < 0) {
                return unknown.get(-1 - entry);
            }
            if ((allowed & (1 << entry)) == 0) {
                return Name.ALL[entry].json;
            }
        }
        return null;
    }

    /** A window on the parser's char buffer, valid until its next token: for reading short strings in place. */
    private static final class CharsView implements CharSequence {
        private char[] chars;
        private int offset;
        private int length;

        void set(char[] buffer, int from, int count) {
            chars = buffer;
            offset = from;
            length = count;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            return chars[offset + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(chars, offset + start, end - start);
        }

        @Override
        public String toString() {
            return new String(chars, offset, length);
        }
    }
}
