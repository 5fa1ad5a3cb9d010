package org.mtrrledger.events.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Optional;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.model.EventKind;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.events.parse.JsonFields.Kind;
import org.mtrrledger.events.parse.JsonFields.Name;
import org.mtrrledger.events.parse.JsonFields.Value;

/**
 * Line-level decoding for {@link JsonLinesParser}: the line goes straight into {@link JsonFields} (no tree), scanned
 * by hand when it has the plain shape writers emit, else token by token, then strict field-by-field checks. A line
 * the streaming pass gives up on (see {@link JsonFields#stream}) is read again as a Jackson tree with duplicate
 * detection and trailing-token checks, so that bad JSON is reported in Jackson's own words; the checks are the same
 * for all three.
 */
final class JsonLineDecoder implements LineDecoder {
    static {
        org.mtrrledger.events.codec.AvroTrust.install();
    }

    /** The tree reader for lines the streaming pass gives up on; also {@link JsonLinesWriter}'s factory. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /**
     * MAPPER's factory less duplicate detection, which {@link JsonFields} does with a bit mask: Jackson's detector
     * fills a HashSet per object of more than two fields.
     */
    private static final JsonFactory STREAMING = MAPPER.getFactory().rebuild()
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
    private static final int COMMON = Name.VM.bit | Name.TYPE.bit | Name.TS_NS.bit;
    private static final Allowed VM_CONFIG = new Allowed(EventKind.VM_CONFIG.type(), Name.MAXPHYADDR, Name.GUEST_HAS_MTRR,
            Name.TDP_ENABLED, Name.QUIRK_CD_NW_CLEARED);
    private static final Allowed VCPU = new Allowed(EventKind.VCPU_LIFECYCLE.type(), Name.VCPU, Name.OP, Name.CR0);
    private static final Allowed MSR_WRITE = new Allowed(EventKind.MSR_WRITE.type(), Name.VCPU, Name.MSR, Name.VALUE,
            Name.HOST_INITIATED, Name.GP);
    private static final Allowed CR0_WRITE = new Allowed(EventKind.CR0_WRITE.type(), Name.VCPU, Name.VALUE);
    private static final Allowed DMA_TRANSFER = new Allowed("dma transfer", Name.OP, Name.GPA, Name.LEN,
            Name.DEVICE, Name.DIRECTION);

    private final Optional<String> vmOverride;
    private final JsonFields fields = new JsonFields();

    JsonLineDecoder(ParseOptions options) {
        this.vmOverride = options.vm();
    }

    /** The fields a type allows besides vm, type and ts_ns, and how an unknown one is reported. */
    private record Allowed(String what, int mask, String expected) {
        Allowed(String what, Name... names) {
            this(what, mask(names), expected(names));
        }

        private static int mask(Name... names) {
            int mask = COMMON;
            for (Name n : names) {
                mask |= n.bit;
            }
            return mask;
        }

        private static String expected(Name... names) {
            StringBuilder b = new StringBuilder("vm, type, ts_ns");
            for (Name n : names) {
                b.append(", ").append(n.json);
            }
            return b.toString();
        }
    }

    @Override
    public LineResult decode(String line) {
        if (line.isBlank()) {
            return LineResult.BLANK;
        }
        if (line.stripLeading().startsWith("#")) {
            return LineResult.COMMENT;
        }
        try {
            return new LineResult.Emit(event(line));
        } catch (BadLine bad) {
            return new LineResult.Reject(bad.getMessage());
        }
    }

    /**
     * Fills {@link #fields} from the line: scanned, or else streamed, or else from its tree (see {@link JsonFields}).
     */
    private void read(String line) throws BadLine {
        if (fields.scan(line)) {
            return;
        }
        try (JsonParser p = STREAMING.createParser(line)) {
            if (fields.stream(p)) {
                return;
            }
        } catch (IOException e) {
            // Bad JSON: the tree below fails on it too, and its message is the one to report.
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new BadLine("invalid JSON (" + e.getOriginalMessage() + "), expected one JSON object per line");
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw new BadLine("expected a JSON object, got " + (tree == null ? "nothing" : tree.getNodeType()));
        }
        fields.copy(obj);
    }

    private MtrrEvent event(String line) throws BadLine {
        read(line);
        String type = text(Name.TYPE, true);
        EventKind kind = EventKind.ofType(type);
        if (kind == null) {
            throw new BadLine("unknown type '" + type + "', expected " + EventKind.TYPES);
        }
        MtrrEvent event = switch (kind) {
            case VM_CONFIG -> vmConfig();
            case VCPU_LIFECYCLE -> lifecycle();
            case MSR_WRITE, HOST_MSR_WRITE -> msrWrite();
            case CR0_WRITE -> cr0Write();
            case DMA_OP -> dma();
        };
        Optional<String> violation = EventRules.violation(event);
        if (violation.isPresent()) {
            throw new BadLine(violation.get());
        }
        return event;
    }

    // The checks below run in the same order as when they read a tree, so a line with several faults is still
    // reported by its first one (Java evaluates arguments left to right: vcpu() before the payload in cr0Write).

    private MtrrEvent vmConfig() throws BadLine {
        allowOnly(VM_CONFIG);
        long maxPhys = fields.has(Name.MAXPHYADDR) ? number(Name.MAXPHYADDR) : 46;
        if (maxPhys < EventRules.MIN_MAXPHYADDR || maxPhys > EventRules.MAX_MAXPHYADDR) {
            throw new BadLine("maxphyaddr " + maxPhys + " outside " + EventRules.MIN_MAXPHYADDR + ".."
                    + EventRules.MAX_MAXPHYADDR);
        }
        VmConfig config = new VmConfig((int) maxPhys, bool(Name.GUEST_HAS_MTRR, true),
                bool(Name.TDP_ENABLED, true), bool(Name.QUIRK_CD_NW_CLEARED, true));
        return envelope(null, config);
    }

    private MtrrEvent lifecycle() throws BadLine {
        allowOnly(VCPU);
        LifecycleOp op = CommentRecords.lifecycleOp(text(Name.OP, true));
        Long cr0 = fields.has(Name.CR0) ? number(Name.CR0) : null;
        return envelope(vcpu(), new VcpuLifecycle(op, cr0));
    }

    private MtrrEvent msrWrite() throws BadLine {
        allowOnly(MSR_WRITE);
        MsrWrite write = new MsrWrite(number(Name.MSR), number(Name.VALUE),
                bool(Name.HOST_INITIATED, false), bool(Name.GP, false));
        return envelope(vcpu(), write);
    }

    private MtrrEvent cr0Write() throws BadLine {
        allowOnly(CR0_WRITE);
        return envelope(vcpu(), new Cr0Write(number(Name.VALUE)));
    }

    private MtrrEvent dma() throws BadLine {
        DmaOpKind op = CommentRecords.dmaOp(text(Name.OP, true));
        String device = fields.has(Name.DEVICE) ? text(Name.DEVICE, true) : null;
        if (op == DmaOpKind.TRANSFER) {
            allowOnly(DMA_TRANSFER);
            DmaDirection dir = fields.has(Name.DIRECTION) ? CommentRecords.direction(text(Name.DIRECTION, true))
                    : null;
            return envelope(null, new DmaOp(op, device, number(Name.GPA), number(Name.LEN), dir));
        }
        allowOnly(new Allowed("dma " + op.name().toLowerCase(java.util.Locale.ROOT), Name.OP, Name.DEVICE));
        return envelope(null, new DmaOp(op, device, null, null, null));
    }

    private MtrrEvent envelope(Integer vcpu, Object payload) throws BadLine {
        String vm;
        if (vmOverride.isPresent()) {
            if (fields.has(Name.VM)) {
                text(Name.VM, true);
            }
            vm = vmOverride.get();
        } else {
            vm = text(Name.VM, true);
        }
        Long ts = fields.has(Name.TS_NS) ? number(Name.TS_NS) : null;
        return new MtrrEvent(vm, vcpu, ts, null, payload, null);
    }

    private void allowOnly(Allowed allowed) throws BadLine {
        String name = fields.firstNotIn(allowed.mask());
        if (name != null) {
            throw new BadLine("unknown field '" + name + "' for " + allowed.what() + ", expected "
                    + allowed.expected());
        }
    }

    private int vcpu() throws BadLine {
        if (!fields.has(Name.VCPU) || fields.get(Name.VCPU).kind == Kind.NULL) {
            throw new BadLine("missing vcpu (required for " + fields.get(Name.TYPE).text + ")");
        }
        long v = number(Name.VCPU);
        if (v < 0 || v > EventRules.MAX_VCPU) {
            throw new BadLine("vcpu " + Long.toUnsignedString(v) + " outside 0.." + EventRules.MAX_VCPU);
        }
        return (int) v;
    }

    private String text(Name field, boolean required) throws BadLine {
        if (!fields.has(field)) {
            if (required) {
                throw new BadLine("missing \"" + field.json + "\"");
            }
            return null;
        }
        Value v = fields.get(field);
        if (v.kind != Kind.STRING) {
            throw new BadLine("\"" + field.json + "\" must be a string, got " + v.node().getNodeType());
        }
        return v.text;
    }

    private boolean bool(Name field, boolean dflt) throws BadLine {
        if (!fields.has(field)) {
            return dflt;
        }
        Value v = fields.get(field);
        return switch (v.kind) {
            case TRUE -> true;
            case FALSE -> false;
            default -> throw new BadLine("\"" + field.json + "\" must be true or false, got " + v.node());
        };
    }

    /**
     * A non-negative integer of at most {@link Name#bits} bits, given as a JSON integer or a {@code "0x…"} string
     * (case-insensitive). 64-bit values are unsigned: {@code "0xffffffffffffffff"} becomes {@code -1L}.
     */
    private long number(Name field) throws BadLine {
        if (!fields.has(field) || fields.get(field).kind == Kind.NULL) {
            throw new BadLine("missing \"" + field.json + "\"");
        }
        Value v = fields.get(field);
        int bits = field.bits;
        if (v.kind == Kind.STRING) {
            if (v.hex) {
                return v.number;
            }
            try {
                return Hex.parsePrefixed(v.text, bits);
            } catch (NumberFormatException e) {
                throw new BadLine("\"" + field.json + "\": " + e.getMessage()
                        + ", expected a JSON integer or \"0x…\" hex of at most " + bits + " bits");
            }
        }
        if (v.kind != Kind.INT) {
            throw new BadLine("\"" + field.json + "\" must be an integer or \"0x…\" hex string, got " + v.node());
        }
        BigInteger value = v.big;
        if (value == null) {
            if (v.number >= 0 && (bits >= 63 || v.number < 1L << bits)) {
                return v.number;
            }
            value = BigInteger.valueOf(v.number);
        }
        if (value.signum() < 0 || value.compareTo(bits >= 64 ? TWO_TO_64 : BigInteger.ONE.shiftLeft(bits)) >= 0) {
            throw new BadLine("\"" + field.json + "\" " + value + " outside 0..2^" + bits + "-1");
        }
        return value.longValue();
    }
}
