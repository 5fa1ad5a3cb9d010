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
 * <p>Filled either by {@link #stream} straight from the tokens, which takes only what a good line can hold, or, for a
 * line it gives up on, by {@link #copy} from the Jackson tree of that line. Both hold the same values: a value is
 * what the tree's node for it says.
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

        static {
            for (Name n : ALL) {
                BY_JSON.put(n.json, n);
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

    private final Value[] values = new Value[Name.ALL.length];
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

    private void string(JsonParser p, Name field, Value v) throws IOException {
        v.kind = Kind.STRING;
        int length = p.getTextLength();
        if (length <= SHORT) {
            view.set(p.getTextCharacters(), p.getTextOffset(), length);
            if (field.bits > 0) {
                try {
                    v.number = Hex.parsePrefixed(view, field.bits);
                    v.hex = true;
                    return;
                } catch (NumberFormatException e) {
                    // Not hex of that width: keep the text; the decoder's check says what is wrong with it.
                }
            } else if (v.last != null && v.last.contentEquals(view)) {
                v.text = v.last;
                return;
            }
        }
        v.text = p.getText();
        v.last = v.text;
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
