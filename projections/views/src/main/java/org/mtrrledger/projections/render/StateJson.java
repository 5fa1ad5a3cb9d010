package org.mtrrledger.projections.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.events.model.Hex;

/**
 * The folded state at one offset: the VM record (KVM's VM-wide state, and beside it the seed thread's per-VM copy with
 * its dirty ranges), and each vCPU's CR0, PAT and MTRR MSRs.
 */
public final class StateJson {
    private StateJson() {
    }

    /** MTRR MSRs as RDMSR returns them, plus KVM's list order. */
    public static Map<String, Object> mtrrs(MtrrState m, int maxPhys) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("mtrrcap", Hex.of(MtrrMsr.MTRRCAP_VALUE));
        x.put("def_type", Hex.of(m.deftype()));
        x.put("enabled", m.enabled());
        x.put("fixed_enabled", m.fixedEnabled());
        x.put("default_type", MemType.label(m.defaultType()));
        Map<String, Object> fixed = new LinkedHashMap<>();
        for (int msr : FixedMtrr.msrs()) {
            fixed.put(Hex.of(msr), Hex.of(m.rdmsr(MtrrMsr.FIXED, msr, maxPhys)));
        }
        x.put("fixed", fixed);
        List<Map<String, Object>> vars = new ArrayList<>();
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("index", i);
            v.put("base", Hex.of(m.rdmsr(MtrrMsr.VAR_BASE, 0x200 + 2 * i, maxPhys)));
            v.put("mask", Hex.of(m.rdmsr(MtrrMsr.VAR_MASK, 0x201 + 2 * i, maxPhys)));
            v.put("valid", m.isValid(i));
            if (m.isValid(i)) {
                long[] r = m.varRange(i);
                v.put("type", MemType.label(m.varType(i)));
                v.put("kvm_range_gpa", List.of(Hex.of(r[0]), Hex.of(r[1])));
            }
            vars.add(v);
        }
        x.put("variable", vars);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < m.listLength(); i++) {
            order.add(m.listEntry(i));
        }
        x.put("list_order", order);
        return x;
    }

    /**
     * Every MSR of KVM's MTRR code as a guest RDMSR returns it, by MSR number: MTRRCAP, PHYSBASE/PHYSMASK 0-7,
     * the fixed MSRs, PAT and DEF_TYPE.
     */
    public static Map<String, Object> rdmsrAll(MtrrState m, long pat, int maxPhys) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put(Hex.of(MtrrMsr.MSR_MTRRCAP), Hex.of(MtrrMsr.MTRRCAP_VALUE));
        for (int msr = 0x200; msr < 0x210; msr++) {
            x.put(Hex.of(msr), Hex.of(m.rdmsr(MtrrMsr.classify(msr), msr, maxPhys)));
        }
        for (int msr : FixedMtrr.msrs()) {
            x.put(Hex.of(msr), Hex.of(m.rdmsr(MtrrMsr.FIXED, msr, maxPhys)));
        }
        x.put(Hex.of(MtrrMsr.MSR_IA32_CR_PAT), Hex.of(pat));
        x.put(Hex.of(MtrrMsr.MSR_MTRR_DEF_TYPE), Hex.of(m.deftype()));
        return x;
    }

    public static Map<String, Object> vcpu(String vm, int partition, long offset, VmState s, VcpuState v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("vcpu", v.index());
        m.put("partition", partition);
        m.put("offset", offset);
        m.put("online", v.online());
        m.put("cr0", Hex.of(v.cr0()));
        m.put("cd", v.cd());
        m.put("pat", Hex.of(v.pat()));
        m.put("mtrr", mtrrs(v.mtrr(), s.settings().maxPhysAddr()));
        m.put("msrs", rdmsrAll(v.mtrr(), v.pat(), s.settings().maxPhysAddr()));
        return m;
    }

    public static Map<String, Object> vm(String vm, int partition, long offset, VmState s, PerVmCopy perVm) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("vcpu", null);
        m.put("view", "per-vm");
        m.put("partition", partition);
        m.put("offset", offset);
        m.put("events", s.eventCount());
        m.put("maxphyaddr", s.settings().maxPhysAddr());
        m.put("guest_has_mtrr", s.settings().guestHasMtrr());
        m.put("tdp_enabled", s.settings().tdpEnabled());
        m.put("quirk_cd_nw_cleared", s.settings().quirkCdNwCleared());
        m.put("noncoherent_dma_count", s.noncoherentDmaCount());
        m.put("honors_guest_mtrrs", s.honorsGuestMtrrs());
        m.put("vcpus", s.vcpus().size());
        m.put("per_vm_copy", mtrrs(perVm.mtrr(), s.settings().maxPhysAddr()));
        List<List<String>> dirty = new ArrayList<>();
        for (GfnRange r : perVm.dirty().ranges()) {
            dirty.add(List.of(Hex.of(r.start()), Hex.of(r.end())));
        }
        m.put("dirty_gfn_ranges", dirty);
        return m;
    }
}
