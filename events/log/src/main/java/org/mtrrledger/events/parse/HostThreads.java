package org.mtrrledger.events.parse;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which VM and vCPU a traced write belongs to, by the rules of the package documentation ("Host traces"). One
 * instance per file: it remembers every thread, process and VM seen so far, and refuses the file as soon as two
 * VMs' threads could be mistaken for one VM's.
 */
final class HostThreads {
    private static final Pattern QEMU_VCPU_COMM = Pattern.compile("^CPU (\\d{1,4})/KVM$");
    private static final String FIX = "record the trace with TGIDs (echo 1 > /sys/kernel/tracing/options/record-tgid"
            + " before tracing, or perf script -F +pid) or name each QEMU process's threads with --vm-map PID=NAME "
            + "(or '# mtrr: vm_map pid=PID vm=NAME' lines)";

    /** A line's VM and vCPU; {@code vcpu} is -1 for a thread that is not a vCPU thread. */
    record Attribution(String vm, int vcpu) {
    }

    private record Mapping(String vm, String where) {
    }

    private record FirstUse(String vm, String where) {
    }

    private static final class Known {
        final ThreadMapping mapping;
        final boolean mapped;

        Known(ThreadMapping mapping, boolean mapped) {
            this.mapping = mapping;
            this.mapped = mapped;
        }
    }

    private static final class Vm {
        final Map<Long, Known> byTid = new HashMap<>();
        final Map<Integer, Known> byVcpu = new HashMap<>();
        final BitSet used = new BitSet();
        Known firstOrdered;
        Known firstNamed;
        /** Under --vm: the first process seen, so a second one is refused. */
        long tgid = ThreadMapping.NO_TGID;
        String tgidWhere;
    }

    private final String fileName;
    private final String stem;
    private final boolean vmForced;
    private final ParseStats stats;
    private final Map<Long, Mapping> map = new HashMap<>();
    private final Map<String, Vm> vms = new HashMap<>();
    /** Where each pid (thread id or TGID) was first attributed, and to which VM. */
    private final Map<Long, FirstUse> firstUse = new HashMap<>();
    /** VM of each thread attributed by TGID or map, for its lines without a TGID. */
    private final Map<Long, String> vmOfTid = new HashMap<>();
    private boolean sawTgid;

    HostThreads(String fileName, ParseOptions options, ParseStats stats) {
        this.fileName = fileName;
        this.stem = FtraceParser.defaultVmId(fileName);
        this.vmForced = options.vm().isPresent();
        this.stats = stats;
        options.vmMap().forEach((pid, vm) -> map.put(pid, new Mapping(vm, "--vm-map")));
    }

    /** A {@code # mtrr: vm_map} record at {@code line}; ignored under {@code --vm}, like {@code # mtrr: vm}. */
    void map(long pid, String vm, long line) throws BadLine {
        if (vmForced) {
            return;
        }
        Mapping known = map.get(pid);
        if (known != null && !known.vm.equals(vm)) {
            throw new BadLine("pid " + pid + " is already mapped to VM '" + known.vm + "' (" + known.where + ")");
        }
        FirstUse s = firstUse.get(pid);
        if (s != null && !s.vm.equals(vm)) {
            throw new BadLine("pid " + pid + "'s lines from " + s.where + " on went to VM '" + s.vm
                    + "': a vm_map record must come before the lines it maps");
        }
        map.put(pid, new Mapping(vm, at(line)));
    }

    /**
     * Attributes a traced write.
     *
     * @param tgid      the line's TGID, or {@link ThreadMapping#NO_TGID}
     * @param currentVm {@code --vm}, else the last {@code # mtrr: vm}, else the file stem
     */
    Attribution attribute(String comm, long tid, long tgid, String currentVm, long line) throws BadLine {
        sawTgid |= tgid != ThreadMapping.NO_TGID;
        Mapping mapping = vmForced ? null : map.getOrDefault(tid, tgid == ThreadMapping.NO_TGID ? null : map.get(tgid));
        String vmName = vmOf(mapping, comm, tid, tgid, currentVm);
        if (!firstUse.containsKey(tid)) {
            firstUse.put(tid, new FirstUse(vmName, at(line)));
        }
        if (tgid != ThreadMapping.NO_TGID && !firstUse.containsKey(tgid)) {
            firstUse.put(tgid, new FirstUse(vmName, at(line)));
        }
        Vm vm = vms.computeIfAbsent(vmName, k -> new Vm());
        if (vmForced && tgid != ThreadMapping.NO_TGID) {
            oneProcess(vm, vmName, tgid, line);
        }
        Known known = vm.byTid.get(tid);
        Matcher named = QEMU_VCPU_COMM.matcher(comm);
        if (named.matches()) {
            int vcpu = Integer.parseInt(named.group(1));
            if (vcpu > EventRules.MAX_VCPU) {
                throw new BadLine("comm '" + comm + "' names vCPU " + vcpu + ", outside 0.." + EventRules.MAX_VCPU);
            }
            if (known == null || known.mapping.vcpu() != vcpu) {
                known = named(vm, vmName, comm, tid, tgid, vcpu, mapping != null, line);
            }
        } else if (known == null) {
            known = unnamed(vm, vmName, comm, tid, tgid, mapping != null, line);
        }
        return new Attribution(vmName, known.mapping.vcpu());
    }

    private String vmOf(Mapping mapping, String comm, long tid, long tgid, String currentVm) throws BadLine {
        if (vmForced) {
            return currentVm;
        }
        if (mapping == null && tgid == ThreadMapping.NO_TGID) {
            String known = vmOfTid.get(tid);
            if (known != null) {
                return known;
            }
            if (sawTgid) {
                throw new BadLine("thread " + comm + "-" + tid + " has no TGID here and had none before, while other "
                        + "lines of this trace carry one: its VM is unknown; map it with --vm-map " + tid + "=NAME");
            }
            return currentVm;
        }
        String vm = mapping != null ? mapping.vm : stem + "-" + tgid;
        vmOfTid.putIfAbsent(tid, vm);
        return vm;
    }

    private void oneProcess(Vm vm, String vmName, long tgid, long line) throws BadLine {
        if (vm.tgid == ThreadMapping.NO_TGID) {
            vm.tgid = tgid;
            vm.tgidWhere = at(line);
        } else if (vm.tgid != tgid) {
            throw BadLine.refusal("--vm " + vmName + " names one VM, but this trace holds threads of two processes: TGID "
                    + vm.tgid + " (" + vm.tgidWhere + ") and TGID " + tgid + " (" + at(line) + "); drop --vm (each "
                    + "process becomes VM " + stem + "-<TGID>) or name them with --vm-map PID=NAME");
        }
    }

    private Known named(Vm vm, String vmName, String comm, long tid, long tgid, int vcpu, boolean mapped,
            long line) throws BadLine {
        Known prior = vm.byVcpu.get(vcpu);
        if (prior != null && prior.mapping.tid() != tid && !sameProcess(prior, tgid, mapped)) {
            throw BadLine.refusal("vCPU thread '" + comm + "' of VM '" + vmName + "' appears under thread id "
                    + prior.mapping.tid() + " at " + prior.mapping.firstLine() + " and under thread id " + tid + " at "
                    + at(line) + ", with nothing to tell their processes apart (two VMs' vCPU " + vcpu + "?): "
                    + FIX);
        }
        if (vm.firstOrdered != null) {
            ThreadMapping o = vm.firstOrdered.mapping;
            throw BadLine.refusal("vCPU thread '" + comm + "-" + tid + "' at " + at(line) + " is named, but thread '"
                    + o.comm() + "-" + o.tid() + "' of the same VM '" + vmName + "' at " + o.firstLine()
                    + " was taken as vCPU " + o.vcpu() + " by order of first appearance: the trace mixes named and "
                    + "unnamed vCPU threads (two VMs?); " + FIX);
        }
        Known t = add(vm, new ThreadMapping(vmName, tid, tgid, comm, vcpu, ThreadMapping.How.NAMED, at(line)),
                mapped);
        vm.byVcpu.put(vcpu, t);
        if (vm.firstNamed == null) {
            vm.firstNamed = t;
        }
        return t;
    }

    private Known unnamed(Vm vm, String vmName, String comm, long tid, long tgid, boolean mapped, long line)
            throws BadLine {
        if (tid == tgid) {
            return add(vm, new ThreadMapping(vmName, tid, tgid, comm, -1, ThreadMapping.How.MAIN_THREAD, at(line)),
                    mapped);
        }
        if (vm.firstNamed != null) {
            return add(vm, new ThreadMapping(vmName, tid, tgid, comm, -1, ThreadMapping.How.OTHER_NAME, at(line)),
                    mapped);
        }
        int vcpu = vm.used.nextClearBit(0);
        if (vcpu > EventRules.MAX_VCPU) {
            throw new BadLine("more than " + (EventRules.MAX_VCPU + 1) + " vCPU threads in VM " + vmName);
        }
        Known t = add(vm, new ThreadMapping(vmName, tid, tgid, comm, vcpu, ThreadMapping.How.ORDER, at(line)),
                mapped);
        if (vm.firstOrdered == null) {
            vm.firstOrdered = t;
        }
        return t;
    }

    /** Two threads with one vCPU name are one vCPU re-created (hot-unplug and plug) only within one process. */
    private static boolean sameProcess(Known prior, long tgid, boolean mapped) {
        return (prior.mapping.tgid() != ThreadMapping.NO_TGID && prior.mapping.tgid() == tgid)
                || (prior.mapped && mapped);
    }

    private Known add(Vm vm, ThreadMapping m, boolean mapped) {
        Known t = new Known(m, mapped);
        vm.byTid.put(m.tid(), t);
        if (m.isVcpu()) {
            vm.used.set(m.vcpu());
        }
        stats.addThread(m);
        return t;
    }

    private String at(long line) {
        return fileName + ":" + line;
    }
}
