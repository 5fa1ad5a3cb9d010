package org.mtrrledger.projections.capture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.Hex;

/**
 * Reads QEMU's log of a capture pass ({@code -d plugin,exec,cpu,nochain,cpu_reset} with the {@code mtrr-sites}
 * plugin) line by line and pairs every announced execution of a write site with the register dump that QEMU logs
 * when the vCPU enters the next translation block.
 *
 * <p>Why the pairing is exact. The plugin's {@code X vcpu vaddr} line is printed by an instruction callback that
 * runs just before the site executes. TCG ends a translation block after WRMSR and after every CR0 write, so the
 * vCPU's next block starts at {@code vaddr + length}; {@code -dfilter} limits the {@code exec,cpu} logging to those
 * addresses and {@code nochain} makes every entry go through the logging path. WRMSR changes no register and a CR0
 * write changes only CR0, so the dump logged on entering that block holds ECX and EDX:EAX of the write, or the source
 * register of the MOV. A block entered at such an address without a preceding announcement (a jump to it, or a
 * block that an exit request stopped before it ran) is counted and ignored. An announced site whose next block is not
 * being logged (a site the first pass did not see) makes the pass {@link #incomplete()}: the caller repeats it with
 * the larger filter. An announcement followed by a logged block elsewhere (the write faulted and the guest went on
 * somewhere else) is {@link #unpaired()}, never guessed.
 */
final class ExecLogReader {
    private static final Pattern TRACE = Pattern.compile("^Trace (\\d+): \\S+ \\[[0-9a-f]+/([0-9a-f]+)/");
    private static final Pattern RESET = Pattern.compile("^CPU Reset \\(CPU (\\d+)\\)");
    private static final Pattern REG = Pattern.compile("([A-Z][A-Z0-9]*) ?=([0-9a-f]+)\\b");
    private static final String[] GPR64 = {"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
        "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"};
    private static final String[] GPR32 = {"EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"};
    /** RESET value of CR0 (SDM Vol. 3A 10.1.1, Table 10-1), what a vCPU has before its first logged dump. */
    static final long RESET_CR0 = Cr0.RESET_VALUE;

    private final Set<Long> logged;
    private final Map<Long, WriteSite> sites = new HashMap<>();
    private final Map<Integer, WriteSite> pending = new HashMap<>();
    private final Map<Integer, Long> cr0 = new HashMap<>();
    private final List<GuestWrite> writes = new ArrayList<>();
    private final Set<Long> incomplete = new TreeSet<>();
    private final Set<Integer> vcpusSeen = new LinkedHashSet<>();
    private final List<String> unpaired = new ArrayList<>();
    private long unannounced;
    private boolean guestStarted;

    /** Dump being collected: which vCPU, why, and its register tokens. */
    private int dumpVcpu = -1;
    private long dumpPc;
    private boolean dumpIsReset;
    private final Map<String, Long> regs = new HashMap<>();

    /** @param logged the block start addresses this pass logs ({@code -dfilter}) */
    ExecLogReader(Set<Long> logged) {
        this.logged = Set.copyOf(logged);
    }

    void line(String line) {
        if (line.startsWith("S ")) {
            endDump();
            String[] t = line.split(" ");
            WriteSite s = WriteSite.parse(t[1], t[2]);
            sites.put(s.vaddr(), s);
        } else if (line.startsWith("X ")) {
            endDump();
            String[] t = line.split(" ");
            announce(Integer.parseInt(t[1]), Long.parseUnsignedLong(t[2], 16));
        } else if (line.startsWith("Trace ")) {
            endDump();
            Matcher m = TRACE.matcher(line);
            if (m.find()) {
                dumpVcpu = Integer.parseInt(m.group(1));
                dumpPc = Long.parseUnsignedLong(m.group(2), 16);
                dumpIsReset = false;
            }
        } else if (line.startsWith("CPU Reset")) {
            endDump();
            Matcher m = RESET.matcher(line);
            if (m.find()) {
                dumpVcpu = Integer.parseInt(m.group(1));
                dumpIsReset = true;
            }
        } else if (dumpVcpu >= 0) {
            Matcher m = REG.matcher(line);
            while (m.find()) {
                regs.putIfAbsent(m.group(1), Long.parseUnsignedLong(m.group(2), 16));
            }
        }
    }

    /** Call once after the last line. */
    void end() {
        endDump();
        pending.forEach((vcpu, site) -> unpaired.add("vCPU " + vcpu + " " + site + ": the log ended before its next block"));
        pending.clear();
    }

    private void announce(int vcpu, long vaddr) {
        WriteSite site = sites.get(vaddr);
        if (site == null) {
            throw new IllegalStateException("plugin announced an untranslated site " + Hex.of(vaddr));
        }
        guestStarted = true;
        vcpusSeen.add(vcpu);
        WriteSite before = pending.put(vcpu, site);
        if (before != null) {
            unpaired.add("vCPU " + vcpu + " " + before + ": executed again at " + site + " before its next block");
        }
        if (!logged.contains(site.next())) {
            incomplete.add(site.next());
        }
    }

    private void endDump() {
        if (dumpVcpu < 0) {
            return;
        }
        int vcpu = dumpVcpu;
        dumpVcpu = -1;
        Long dumpedCr0 = regs.get("CR0");
        if (dumpIsReset) {
            if (guestStarted) {
                writes.add(new GuestWrite.Init(vcpu));
            }
            pending.remove(vcpu);
        } else {
            WriteSite site = pending.get(vcpu);
            if (site == null) {
                unannounced++;
            } else if (site.next() != dumpPc) {
                pending.remove(vcpu);
                unpaired.add("vCPU " + vcpu + " " + site + ": next logged block at " + Hex.of(dumpPc));
            } else {
                pending.remove(vcpu);
                writes.add(decode(vcpu, site, regs, cr0.getOrDefault(vcpu, RESET_CR0)));
            }
        }
        if (dumpedCr0 != null) {
            cr0.put(vcpu, dumpedCr0);
        }
        regs.clear();
    }

    /**
     * The write {@code site} made, from a register dump taken where no instruction has changed the operands since:
     * just before the site (a single-stepped run) or on entering the block after it. LMSW and CLTS are read from the
     * CR0 they left, so only a dump after them serves.
     */
    static GuestWrite decode(int vcpu, WriteSite site, Map<String, Long> regs, long before) {
        return switch (site.kind()) {
            case WRMSR -> new GuestWrite.Msr(vcpu, low32(gpr(regs, 1)), (low32(gpr(regs, 2)) << 32) | low32(gpr(regs, 0)));
            case MOV_CR0 -> new GuestWrite.Cr0(vcpu, gpr(regs, site.source()), before);
            case LMSW, CLTS -> new GuestWrite.Cr0(vcpu, register(regs, "CR0"), before);
        };
    }

    /** General-purpose register {@code n} as dumped: R-names in 64-bit mode, E-names otherwise. */
    private static long gpr(Map<String, Long> regs, int n) {
        Long v = regs.get(GPR64[n]);
        if (v == null && n < GPR32.length) {
            v = regs.get(GPR32[n]);
        }
        if (v == null) {
            throw new IllegalStateException("register dump without " + GPR64[n] + (n < 8 ? "/" + GPR32[n] : ""));
        }
        return v;
    }

    private static long register(Map<String, Long> regs, String name) {
        Long v = regs.get(name);
        if (v == null) {
            throw new IllegalStateException("register dump without " + name);
        }
        return v;
    }

    private static long low32(long v) {
        return v & 0xffff_ffffL;
    }

    List<GuestWrite> writes() {
        return writes;
    }

    /** Block starts that announced sites ran into but this pass did not log: the next pass must add them. */
    Set<Long> incomplete() {
        return incomplete;
    }

    /** Announced executions whose values could not be read (see the class comment). */
    List<String> unpaired() {
        return unpaired;
    }

    long unannounced() {
        return unannounced;
    }

    Set<Integer> vcpusSeen() {
        return vcpusSeen;
    }

    /** Every site translated in this pass. */
    Map<Long, WriteSite> sites() {
        return sites;
    }
}
