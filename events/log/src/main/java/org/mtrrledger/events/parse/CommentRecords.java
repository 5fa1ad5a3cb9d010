package org.mtrrledger.events.parse;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
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

/**
 * The {@code # mtrr:} comment-record grammar that lets a kernel trace carry what the kvm_msr/kvm_cr tracepoints
 * cannot: VM configuration, vCPU lifecycle, host-initiated KVM_SET_MSRS writes, non-coherent DMA, and guest writes
 * without a timestamp. The full grammar is in the {@code package-info} of this package; this class both reads and
 * writes it so the two can never disagree.
 */
final class CommentRecords {
    static {
        org.mtrrledger.events.codec.AvroTrust.install();
    }

    static final String PREFIX = "# mtrr: ";

    private CommentRecords() {
    }

    /** A decoded record: an event, {@code vm <id>} switching the current VM, or a {@code vm_map} entry. */
    sealed interface Record {
    }

    record EventRecord(MtrrEvent event) implements Record {
    }

    record VmSwitch(String vm) implements Record {
    }

    /** {@code vm_map pid=<dec> vm=<text>}: trace lines of thread or process {@code pid} belong to {@code vm}. */
    record VmMap(long pid, String vm) implements Record {
    }

    /**
     * Decodes the text after {@code mtrr:}.
     *
     * @param body the record text, e.g. {@code vcpu 0 create cr0=0x60000010}
     * @param vm   the VM the event belongs to (current VM of the file)
     */
    static Record decode(String body, String vm) throws BadLine {
        String[] tokens = body.strip().split("[ \\t]+");
        if (tokens.length == 0 || tokens[0].isEmpty()) {
            throw new BadLine("empty '# mtrr:' record, expected one of vm, vm_map, vm_config, vcpu, "
                    + "host_msr_write, msr_write, cr0_write, dma");
        }
        String kind = tokens[0];
        EventKind event = EventKind.ofRecord(kind);
        if (event != null) {
            return eventRecord(vm, event, tokens);
        }
        switch (kind) {
            case "vm" -> {
                if (tokens.length != 2) {
                    throw new BadLine("expected '# mtrr: vm <id>'");
                }
                return new VmSwitch(PercentCodec.decode(tokens[1]));
            }
            case "vm_map" -> {
                Map<String, String> kv = keyValues(tokens, 1, "pid", "vm");
                return new VmMap(decimal(kv, "pid", 10), PercentCodec.decode(required(kv, "vm")));
            }
            default -> throw new BadLine("unknown '# mtrr:' record '" + kind
                    + "', expected vm, vm_map, vm_config, vcpu, host_msr_write, msr_write, cr0_write or dma");
        }
    }

    private static Record eventRecord(String vm, EventKind kind, String[] tokens) throws BadLine {
        switch (kind) {
            case VM_CONFIG -> {
                Map<String, String> kv = keyValues(tokens, 1, "maxphyaddr", "guest_has_mtrr", "tdp",
                        "quirk_cd_nw_cleared", "ts");
                VmConfig config = new VmConfig(
                        kv.containsKey("maxphyaddr") ? (int) decimal(kv, "maxphyaddr", 2) : 46,
                        bool(kv, "guest_has_mtrr", true), bool(kv, "tdp", true),
                        bool(kv, "quirk_cd_nw_cleared", true));
                return event(vm, null, kv, config);
            }
            case VCPU_LIFECYCLE -> {
                if (tokens.length < 3) {
                    throw new BadLine("expected '# mtrr: vcpu <n> create|online|offline|init|reset [cr0=0x..] [ts=<ns>]'");
                }
                int vcpu = vcpuIndex(tokens[1]);
                LifecycleOp op = lifecycleOp(tokens[2]);
                Map<String, String> kv = keyValues(tokens, 3, "cr0", "ts");
                Long cr0 = kv.containsKey("cr0") ? hex(kv, "cr0", 64) : null;
                return event(vm, vcpu, kv, new VcpuLifecycle(op, cr0));
            }
            case MSR_WRITE, HOST_MSR_WRITE -> {
                Map<String, String> kv = keyValues(tokens, 1, "vcpu", "msr", "value", "gp", "ts");
                int vcpu = vcpuIndex(required(kv, "vcpu"));
                long msr = hex(kv, "msr", 32);
                long value = hex(kv, "value", 64);
                MsrWrite write = new MsrWrite(msr, value, kind == EventKind.HOST_MSR_WRITE, bool(kv, "gp", false));
                return event(vm, vcpu, kv, write);
            }
            case CR0_WRITE -> {
                Map<String, String> kv = keyValues(tokens, 1, "vcpu", "value", "ts");
                int vcpu = vcpuIndex(required(kv, "vcpu"));
                return event(vm, vcpu, kv, new Cr0Write(hex(kv, "value", 64)));
            }
            case DMA_OP -> {
                if (tokens.length < 2) {
                    throw new BadLine("expected '# mtrr: dma noncoherent_register|noncoherent_unregister|transfer ...'");
                }
                DmaOpKind op = dmaOp(tokens[1]);
                Map<String, String> kv = op == DmaOpKind.TRANSFER
                        ? keyValues(tokens, 2, "gpa", "len", "device", "dir", "ts")
                        : keyValues(tokens, 2, "device", "ts");
                String device = kv.containsKey("device") ? PercentCodec.decode(kv.get("device")) : null;
                DmaOp dma = op == DmaOpKind.TRANSFER
                        ? new DmaOp(op, device, hex(kv, "gpa", 64), hex(kv, "len", 64),
                                kv.containsKey("dir") ? direction(kv.get("dir")) : null)
                        : new DmaOp(op, device, null, null, null);
                return event(vm, null, kv, dma);
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
    }

    /** Formats an event as a record line (without trailing newline). */
    static String format(MtrrEvent e) {
        StringBuilder b = new StringBuilder(96).append(PREFIX).append(EventKind.of(e).record());
        Object p = e.getPayload();
        if (p instanceof VmConfig c) {
            b.append(" maxphyaddr=").append(c.getMaxPhysAddr())
                    .append(" guest_has_mtrr=").append(bit(c.getGuestHasMtrr()))
                    .append(" tdp=").append(bit(c.getTdpEnabled()))
                    .append(" quirk_cd_nw_cleared=").append(bit(c.getQuirkCdNwCleared()));
        } else if (p instanceof VcpuLifecycle l) {
            b.append(' ').append(e.getVcpu()).append(' ').append(l.getOp().name().toLowerCase(Locale.ROOT));
            if (l.getInitialCr0() != null) {
                b.append(" cr0=").append(Hex.of(l.getInitialCr0()));
            }
        } else if (p instanceof MsrWrite w) {
            b.append(" vcpu=").append(e.getVcpu())
                    .append(" msr=").append(Hex.of(w.getMsr()))
                    .append(" value=").append(Hex.of(w.getValue()));
            if (w.getFaulted()) {
                b.append(" gp=1");
            }
        } else if (p instanceof Cr0Write c) {
            b.append(" vcpu=").append(e.getVcpu()).append(" value=").append(Hex.of(c.getValue()));
        } else if (p instanceof DmaOp d) {
            b.append(' ').append(d.getOp().name().toLowerCase(Locale.ROOT));
            if (d.getOp() == DmaOpKind.TRANSFER) {
                b.append(" gpa=").append(Hex.of(d.getGpa())).append(" len=").append(Hex.of(d.getLength()));
            }
            if (d.getDevice() != null) {
                b.append(" device=").append(PercentCodec.encode(d.getDevice()));
            }
            if (d.getDirection() != null) {
                b.append(" dir=").append(d.getDirection().name().toLowerCase(Locale.ROOT));
            }
        } else {
            throw new IllegalArgumentException("unknown payload " + p);
        }
        if (e.getTimestampNs() != null) {
            b.append(" ts=").append(e.getTimestampNs());
        }
        return b.toString();
    }

    static String formatVmSwitch(String vm) {
        return PREFIX + "vm " + PercentCodec.encode(vm);
    }

    private static Record event(String vm, Integer vcpu, Map<String, String> kv, Object payload) throws BadLine {
        Long ts = kv.containsKey("ts") ? decimal(kv, "ts", 19) : null;
        return new EventRecord(new MtrrEvent(vm, vcpu, ts, null, payload, null));
    }

    private static Map<String, String> keyValues(String[] tokens, int from, String... allowed) throws BadLine {
        Map<String, String> kv = new HashMap<>();
        for (int i = from; i < tokens.length; i++) {
            String token = tokens[i];
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw new BadLine("expected key=value, got '" + token + "'");
            }
            String key = token.substring(0, eq);
            if (!contains(allowed, key)) {
                throw new BadLine("unknown key '" + key + "' for '" + tokens[0] + "', expected " + String.join(", ", allowed));
            }
            if (kv.put(key, token.substring(eq + 1)) != null) {
                throw new BadLine("duplicate key '" + key + "'");
            }
        }
        return kv;
    }

    private static boolean contains(String[] allowed, String key) {
        for (String a : allowed) {
            if (a.equals(key)) {
                return true;
            }
        }
        return false;
    }

    private static String required(Map<String, String> kv, String key) throws BadLine {
        String v = kv.get(key);
        if (v == null) {
            throw new BadLine("missing " + key + "=");
        }
        return v;
    }

    private static long hex(Map<String, String> kv, String key, int bits) throws BadLine {
        String v = required(kv, key);
        try {
            return Hex.parsePrefixed(v, bits);
        } catch (NumberFormatException e) {
            throw new BadLine(key + ": " + e.getMessage() + ", expected 0x-prefixed hex of at most " + bits + " bits");
        }
    }

    private static long decimal(Map<String, String> kv, String key, int maxDigits) throws BadLine {
        String v = required(kv, key);
        if (v.isEmpty() || v.length() > maxDigits || !v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadLine(key + ": '" + v + "' is not a decimal number of at most " + maxDigits + " digits");
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new BadLine(key + ": '" + v + "' is out of range");
        }
    }

    private static boolean bool(Map<String, String> kv, String key, boolean dflt) throws BadLine {
        String v = kv.get(key);
        if (v == null) {
            return dflt;
        }
        return switch (v) {
            case "1" -> true;
            case "0" -> false;
            default -> throw new BadLine(key + ": '" + v + "', expected 0 or 1");
        };
    }

    private static int vcpuIndex(String text) throws BadLine {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadLine("vcpu '" + text + "', expected a decimal index 0.." + EventRules.MAX_VCPU);
        }
        return Integer.parseInt(text);
    }

    private static String bit(boolean b) {
        return b ? "1" : "0";
    }

    static LifecycleOp lifecycleOp(String text) throws BadLine {
        return switch (text) {
            case "create" -> LifecycleOp.CREATE;
            case "online" -> LifecycleOp.ONLINE;
            case "offline" -> LifecycleOp.OFFLINE;
            case "init" -> LifecycleOp.INIT;
            case "reset" -> LifecycleOp.RESET;
            default -> throw new BadLine("unknown vcpu op '" + text + "', expected create|online|offline|init|reset");
        };
    }

    static DmaOpKind dmaOp(String text) throws BadLine {
        return switch (text) {
            case "noncoherent_register" -> DmaOpKind.NONCOHERENT_REGISTER;
            case "noncoherent_unregister" -> DmaOpKind.NONCOHERENT_UNREGISTER;
            case "transfer" -> DmaOpKind.TRANSFER;
            default -> throw new BadLine("unknown dma op '" + text
                    + "', expected noncoherent_register|noncoherent_unregister|transfer");
        };
    }

    static DmaDirection direction(String text) throws BadLine {
        return switch (text) {
            case "to_device" -> DmaDirection.TO_DEVICE;
            case "from_device" -> DmaDirection.FROM_DEVICE;
            case "bidirectional" -> DmaDirection.BIDIRECTIONAL;
            default -> throw new BadLine("unknown dma direction '" + text
                    + "', expected to_device|from_device|bidirectional");
        };
    }
}
