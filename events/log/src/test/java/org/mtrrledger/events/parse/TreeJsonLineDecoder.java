package org.mtrrledger.events.parse;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.model.Hex;

/**
 * The JSON Lines grammar decoded the simple way (a Jackson tree per line, then strict field-by-field checks): the
 * reference the streaming {@link JsonLineDecoder} must agree with, same events, same rejections, same reasons.
 * Test-only; see {@link JsonLineDecoderEquivalencePropertiesTest}.
 */
final class TreeJsonLineDecoder implements LineDecoder {
    static {
        org.mtrrledger.events.codec.AvroTrust.install();
    }

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);
    private static final Set<String> COMMON = Set.of("vm", "type", "ts_ns");

    private final Optional<String> vmOverride;

    TreeJsonLineDecoder(ParseOptions options) {
        this.vmOverride = options.vm();
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

    private MtrrEvent event(String line) throws BadLine {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(line);
        } catch (JacksonException e) {
            throw new BadLine("invalid JSON (" + e.getOriginalMessage() + "), expected one JSON object per line");
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw new BadLine("expected a JSON object, got " + (tree == null ? "nothing" : tree.getNodeType()));
        }
        String type = text(obj, "type", true);
        MtrrEvent event = switch (type) {
            case "vm_config" -> vmConfig(obj);
            case "vcpu" -> lifecycle(obj);
            case "msr_write" -> msrWrite(obj);
            case "cr0_write" -> cr0Write(obj);
            case "dma" -> dma(obj);
            default -> throw new BadLine("unknown type '" + type
                    + "', expected vm_config, vcpu, msr_write, cr0_write or dma");
        };
        Optional<String> violation = EventRules.violation(event);
        if (violation.isPresent()) {
            throw new BadLine(violation.get());
        }
        return event;
    }

    private MtrrEvent vmConfig(ObjectNode o) throws BadLine {
        allowOnly(o, "vm_config", "maxphyaddr", "guest_has_mtrr", "tdp_enabled", "quirk_cd_nw_cleared");
        long maxPhys = o.has("maxphyaddr") ? number(o, "maxphyaddr", 64) : 46;
        if (maxPhys < EventRules.MIN_MAXPHYADDR || maxPhys > EventRules.MAX_MAXPHYADDR) {
            throw new BadLine("maxphyaddr " + maxPhys + " outside " + EventRules.MIN_MAXPHYADDR + ".."
                    + EventRules.MAX_MAXPHYADDR);
        }
        VmConfig config = new VmConfig((int) maxPhys, bool(o, "guest_has_mtrr", true),
                bool(o, "tdp_enabled", true), bool(o, "quirk_cd_nw_cleared", true));
        return envelope(o, null, config);
    }

    private MtrrEvent lifecycle(ObjectNode o) throws BadLine {
        allowOnly(o, "vcpu", "vcpu", "op", "cr0");
        LifecycleOp op = CommentRecords.lifecycleOp(text(o, "op", true));
        Long cr0 = o.has("cr0") ? number(o, "cr0", 64) : null;
        return envelope(o, vcpu(o), new VcpuLifecycle(op, cr0));
    }

    private MtrrEvent msrWrite(ObjectNode o) throws BadLine {
        allowOnly(o, "msr_write", "vcpu", "msr", "value", "host_initiated", "gp");
        MsrWrite write = new MsrWrite(number(o, "msr", 32), number(o, "value", 64),
                bool(o, "host_initiated", false), bool(o, "gp", false));
        return envelope(o, vcpu(o), write);
    }

    private MtrrEvent cr0Write(ObjectNode o) throws BadLine {
        allowOnly(o, "cr0_write", "vcpu", "value");
        return envelope(o, vcpu(o), new Cr0Write(number(o, "value", 64)));
    }

    private MtrrEvent dma(ObjectNode o) throws BadLine {
        DmaOpKind op = CommentRecords.dmaOp(text(o, "op", true));
        String device = o.has("device") ? text(o, "device", true) : null;
        if (op == DmaOpKind.TRANSFER) {
            allowOnly(o, "dma transfer", "op", "gpa", "len", "device", "direction");
            DmaDirection dir = o.has("direction") ? CommentRecords.direction(text(o, "direction", true)) : null;
            return envelope(o, null, new DmaOp(op, device, number(o, "gpa", 64), number(o, "len", 64), dir));
        }
        allowOnly(o, "dma " + op.name().toLowerCase(java.util.Locale.ROOT), "op", "device");
        return envelope(o, null, new DmaOp(op, device, null, null, null));
    }

    private MtrrEvent envelope(ObjectNode o, Integer vcpu, Object payload) throws BadLine {
        String vm;
        if (vmOverride.isPresent()) {
            if (o.has("vm")) {
                text(o, "vm", true);
            }
            vm = vmOverride.get();
        } else {
            vm = text(o, "vm", true);
        }
        Long ts = o.has("ts_ns") ? number(o, "ts_ns", 63) : null;
        return new MtrrEvent(vm, vcpu, ts, null, payload, null);
    }

    private static void allowOnly(ObjectNode o, String what, String... fields) throws BadLine {
        Iterator<String> names = o.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (COMMON.contains(name)) {
                continue;
            }
            boolean ok = false;
            for (String f : fields) {
                ok |= f.equals(name);
            }
            if (!ok) {
                throw new BadLine("unknown field '" + name + "' for " + what + ", expected vm, type, ts_ns, "
                        + String.join(", ", fields));
            }
        }
    }

    private static int vcpu(ObjectNode o) throws BadLine {
        if (!o.has("vcpu") || o.get("vcpu").isNull()) {
            throw new BadLine("missing vcpu (required for " + o.get("type").asText() + ")");
        }
        long v = number(o, "vcpu", 64);
        if (v < 0 || v > EventRules.MAX_VCPU) {
            throw new BadLine("vcpu " + Long.toUnsignedString(v) + " outside 0.." + EventRules.MAX_VCPU);
        }
        return (int) v;
    }

    private static String text(ObjectNode o, String field, boolean required) throws BadLine {
        JsonNode n = o.get(field);
        if (n == null) {
            if (required) {
                throw new BadLine("missing \"" + field + "\"");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new BadLine("\"" + field + "\" must be a string, got " + n.getNodeType());
        }
        return n.textValue();
    }

    private static boolean bool(ObjectNode o, String field, boolean dflt) throws BadLine {
        JsonNode n = o.get(field);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new BadLine("\"" + field + "\" must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    /**
     * A non-negative integer of at most {@code bits} bits, given as a JSON integer or a {@code "0x…"} string
     * (case-insensitive). 64-bit values are unsigned: {@code "0xffffffffffffffff"} becomes {@code -1L}.
     */
    private static long number(ObjectNode o, String field, int bits) throws BadLine {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            throw new BadLine("missing \"" + field + "\"");
        }
        BigInteger value;
        if (n.isTextual()) {
            try {
                return Hex.parsePrefixed(n.textValue(), bits);
            } catch (NumberFormatException e) {
                throw new BadLine("\"" + field + "\": " + e.getMessage()
                        + ", expected a JSON integer or \"0x…\" hex of at most " + bits + " bits");
            }
        } else if (n.isIntegralNumber()) {
            value = n.bigIntegerValue();
        } else {
            throw new BadLine("\"" + field + "\" must be an integer or \"0x…\" hex string, got " + n);
        }
        if (value.signum() < 0 || value.compareTo(bits >= 64 ? TWO_TO_64 : BigInteger.ONE.shiftLeft(bits)) >= 0) {
            throw new BadLine("\"" + field + "\" " + value + " outside 0..2^" + bits + "-1");
        }
        return value.longValue();
    }
}
