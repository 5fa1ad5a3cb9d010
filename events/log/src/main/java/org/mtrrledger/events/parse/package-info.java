/**
 * Audit-log parsers and writers: kernel trace text ({@link org.mtrrledger.events.parse.FtraceParser}) and JSON Lines
 * ({@link org.mtrrledger.events.parse.JsonLinesParser}), both streaming
 * {@link org.mtrrledger.events.avro.MtrrEvent}s lazily with {@code source = FilePosition(file, line)}.
 *
 * <h2>Trace lines (domain doc §8)</h2>
 * <pre>
 * ftrace:     &lt;comm&gt;-&lt;pid&gt; [(&lt;tgid&gt;|-------)] [&lt;cpu&gt;] [&lt;flags: 4..7 of [.A-Za-z0-9]&gt;] &lt;sec&gt;.&lt;frac&gt;: kvm_msr: &lt;payload&gt;
 * trace-cmd:  &lt;comm&gt;-&lt;pid&gt; [&lt;cpu&gt;] [&lt;flags&gt;] &lt;sec&gt;.&lt;frac&gt;: kvm_msr:&lt;padding&gt; &lt;payload&gt;
 * perf:       &lt;comm&gt; [&lt;tgid&gt;/]&lt;pid&gt; [&lt;cpu&gt;] &lt;sec&gt;.&lt;frac&gt;: kvm:kvm_msr: &lt;payload&gt;
 * kvm_msr payload:  msr_write|msr_read &lt;hex msr, ≤32 bit&gt; = 0x&lt;hex value, ≤64 bit&gt;[ (#GP)]
 * kvm_cr payload:   cr_write|cr_read &lt;hex cr&gt; = 0x&lt;hex value&gt;
 * </pre>
 * {@code frac} has 1..9 digits (6 = µs from ftrace/perf, 9 = ns from {@code trace-cmd -t}); it becomes the
 * event's {@code timestampNs}, shown as the trace printed it ({@link org.mtrrledger.events.parse.TraceTimestamp}). Only
 * {@code msr_write} (→ guest MsrWrite, {@code faulted} on {@code (#GP)}) and {@code cr_write 0} (→ Cr0Write) make
 * events; reads, other CRs, other events, {@code #} comments, blank lines and trace-cmd preambles
 * ({@code cpus=N}, {@code version = N}, {@code CPU N is empty}) are counted in
 * {@link org.mtrrledger.events.parse.ParseStats} and skipped. Lines over 4096 characters are bad (as is a line of
 * either format over {@link org.mtrrledger.events.parse.LogParser#MAX_LINE_BYTES} bytes). {@code <pid>} is the
 * thread id; the TGID (the process: one QEMU process is one VM) is ftrace's {@code options/record-tgid} column
 * ({@code trace_print_context()}: {@code "(%7d) "}, {@code "(%5d) "} before v5.13, {@code (-------)} when the
 * kernel does not know it, which counts as absent) or perf script's {@code pid/tid} ({@code -F +pid}).
 * {@code trace-cmd report} prints no TGID.
 *
 * <h2>{@code # mtrr:} comment records (ftrace files)</h2>
 * One record per line; tokens separated by spaces/tabs; {@code key=value} pairs in any order, each at most once;
 * unknown keys, records or values are bad lines. {@code <dec>} is unsigned decimal, {@code <hex>} is {@code 0x}
 * followed by 1+ hex digits (case-insensitive), {@code <bool>} is {@code 0|1}, {@code <text>} is percent-encoded
 * UTF-8 (printable ASCII other than {@code %} and {@code =} stands for itself). {@code ts=<dec>} (nanoseconds) is
 * optional on every event record.
 * <pre>
 * # mtrr: vm &lt;text&gt;                      sets the VM of the following lines (ignored under --vm)
 * # mtrr: vm_map pid=&lt;dec&gt; vm=&lt;text&gt;     trace lines of thread id or TGID pid belong to VM text, as
 *                                            --vm-map pid=text (ignored under --vm)
 * # mtrr: vm_config [maxphyaddr=&lt;dec&gt;] [guest_has_mtrr=&lt;bool&gt;] [tdp=&lt;bool&gt;] [quirk_cd_nw_cleared=&lt;bool&gt;] [ts=]
 *                                            defaults 46, 1, 1, 1
 * # mtrr: vcpu &lt;dec&gt; create|online|offline|init|reset [cr0=&lt;hex&gt;] [ts=]   cr0 only with create
 * # mtrr: host_msr_write vcpu=&lt;dec&gt; msr=&lt;hex&gt; value=&lt;hex&gt; [gp=&lt;bool&gt;] [ts=]   KVM_SET_MSRS (untraced)
 * # mtrr: msr_write vcpu=&lt;dec&gt; msr=&lt;hex&gt; value=&lt;hex&gt; [gp=&lt;bool&gt;] [ts=]        guest write without trace timestamp
 * # mtrr: cr0_write vcpu=&lt;dec&gt; value=&lt;hex&gt; [ts=]                                guest CR0 write without timestamp
 * # mtrr: dma noncoherent_register [device=&lt;text&gt;] [ts=]
 * # mtrr: dma noncoherent_unregister [device=&lt;text&gt;] [ts=]
 * # mtrr: dma transfer gpa=&lt;hex&gt; len=&lt;hex&gt; [device=&lt;text&gt;] [dir=to_device|from_device|bidirectional] [ts=]
 * </pre>
 * Any other {@code #} line is an ignored comment. The VM of a record is {@code --vm}, else the last
 * {@code # mtrr: vm}, else the file name without directory and last extension (the file stem).
 *
 * <h2>Host traces: which VM and vCPU a traced write belongs to</h2>
 * A {@code trace-cmd record -e kvm:kvm_msr -e kvm:kvm_cr} on a host holds every VM's vCPU threads. The VM of a
 * {@code msr_write}/{@code cr_write} line is, first rule that applies:
 * <ol>
 * <li>{@code --vm ID}: ID. The file must then be one process: a line whose TGID differs from the first TGID seen
 * refuses the file.</li>
 * <li>the thread id, else the TGID, in the VM map ({@code --vm-map PID=NAME}, and {@code # mtrr: vm_map} records,
 * which must precede the lines they map and may not remap a pid): NAME.</li>
 * <li>the line's TGID: {@code <file stem>-<tgid>}. A thread seen with a TGID keeps its VM on lines without one; a
 * new thread without a TGID in a trace whose lines carry them is a bad line.</li>
 * <li>otherwise (no TGID, no map): the current VM, as for records.</li>
 * </ol>
 * Within its VM, a thread named {@code CPU n/KVM} (QEMU's vCPU thread name, {@code -name debug-threads=on}, the
 * libvirt default) is vCPU {@code n}. The same name under a second thread id is that vCPU's thread re-created
 * (hot-unplug and plug) when both lines carry the same TGID or both threads are mapped; otherwise the file is
 * refused, naming both lines ({@code file:line} each) and the fixes (record-tgid, {@code --vm-map}): without a TGID or
 * a map, two VMs' {@code CPU 0/KVM} cannot be told apart, and merging them would fold one VM out of two.
 *
 * <p>A thread with another name is not numbered blindly. kvm_msr and kvm_cr fire only in the thread that runs
 * {@code KVM_RUN}, i.e. a vCPU thread; QEMU without {@code debug-threads} names every thread after its binary
 * ({@code qemu-system-x86}, domain doc §8 samples 1 and 2, whose {@code cr_write 0 = 0x80050033} can only be a
 * guest's), so there the thread's order of first appearance in its VM is its vCPU index. But:
 * <ul>
 * <li>a thread whose id equals its TGID is the process's main thread, which never runs a vCPU in QEMU (vCPUs
 * have had their own threads since the I/O thread became mandatory): not a vCPU thread;</li>
 * <li>in a VM whose vCPU threads are named {@code CPU n/KVM}, a thread named otherwise (QEMU's main thread on a
 * trace without TGIDs, or a thread whose comm the kernel lost, {@code <...>}): not a vCPU thread;</li>
 * <li>a {@code CPU n/KVM} thread in a VM where an unnamed thread was already numbered refuses the file (the trace
 * mixes two VMs, or the numbering was wrong).</li>
 * </ul>
 * A write of a thread that is not a vCPU thread is never folded and never counted as vCPU 0's: it is skipped as
 * {@link org.mtrrledger.events.parse.SkipKind#NON_VCPU_THREAD}, and the thread is listed in
 * {@link org.mtrrledger.events.parse.ParseStats#threadMappings()} with the line it first appeared on.
 *
 * <h2>JSON Lines</h2>
 * One object per line; blank and {@code #} lines are skipped. Common fields: {@code "vm"} (string, required unless
 * {@code --vm}, non-empty, no NUL), {@code "type"}, optional {@code "ts_ns"}. Numbers are JSON integers or
 * {@code "0x…"} strings (unsigned; 64-bit values may exceed {@code Long.MAX_VALUE}). Unknown or duplicate fields,
 * trailing garbage, floats, negative numbers and out-of-range values are bad lines.
 * <pre>
 * {"vm":V,"type":"vm_config"[,"maxphyaddr":12..52][,"guest_has_mtrr":B][,"tdp_enabled":B][,"quirk_cd_nw_cleared":B]}
 * {"vm":V,"vcpu":0..1023,"type":"vcpu","op":"create|online|offline|init|reset"[,"cr0":N]}      cr0 only with create
 * {"vm":V,"vcpu":N,"type":"msr_write","msr":N32,"value":N64[,"host_initiated":B][,"gp":B]}
 * {"vm":V,"vcpu":N,"type":"cr0_write","value":N64}
 * {"vm":V,"type":"dma","op":"noncoherent_register|noncoherent_unregister"[,"device":S]}
 * {"vm":V,"type":"dma","op":"transfer","gpa":N64,"len":N64 (&gt;0, no wrap)[,"device":S][,"direction":"to_device|from_device|bidirectional"]}
 * </pre>
 * {@code vcpu} is not allowed on vm_config and dma events. Semantic limits shared by both formats live in
 * {@link org.mtrrledger.events.parse.EventRules}.
 */
package org.mtrrledger.events.parse;
