/**
 * Audit-log parsers and writers: kernel trace text ({@link org.mtrrledger.events.parse.FtraceParser}) and JSON Lines
 * ({@link org.mtrrledger.events.parse.JsonLinesParser}), both streaming
 * {@link org.mtrrledger.events.avro.MtrrEvent}s lazily with {@code source = FilePosition(file, line)}.
 *
 * <h2>Trace lines (domain doc §8)</h2>
 * <pre>
 * ftrace:     &lt;comm&gt;-&lt;pid&gt; [&lt;cpu&gt;] [&lt;flags: 4..7 of [.A-Za-z0-9]&gt;] &lt;sec&gt;.&lt;frac&gt;: kvm_msr: &lt;payload&gt;
 * trace-cmd:  &lt;comm&gt;-&lt;pid&gt; [&lt;cpu&gt;] [&lt;flags&gt;] &lt;sec&gt;.&lt;frac&gt;: kvm_msr:&lt;padding&gt; &lt;payload&gt;
 * perf:       &lt;comm&gt; &lt;pid&gt; [&lt;cpu&gt;] &lt;sec&gt;.&lt;frac&gt;: kvm:kvm_msr: &lt;payload&gt;
 * kvm_msr payload:  msr_write|msr_read &lt;hex msr, ≤32 bit&gt; = 0x&lt;hex value, ≤64 bit&gt;[ (#GP)]
 * kvm_cr payload:   cr_write|cr_read &lt;hex cr&gt; = 0x&lt;hex value&gt;
 * </pre>
 * {@code frac} has 1..9 digits (6 = µs from ftrace/perf, 9 = ns from {@code trace-cmd -t}). Only
 * {@code msr_write} (→ guest MsrWrite, {@code faulted} on {@code (#GP)}) and {@code cr_write 0} (→ Cr0Write) make
 * events; reads, other CRs, other events, {@code #} comments, blank lines and trace-cmd preambles
 * ({@code cpus=N}, {@code version = N}, {@code CPU N is empty}) are counted in
 * {@link org.mtrrledger.events.parse.ParseStats} and skipped. Lines over 4096 characters are bad.
 *
 * <h2>{@code # mtrr:} comment records (ftrace files)</h2>
 * One record per line; tokens separated by spaces/tabs; {@code key=value} pairs in any order, each at most once;
 * unknown keys, records or values are bad lines. {@code <dec>} is unsigned decimal, {@code <hex>} is {@code 0x}
 * followed by 1+ hex digits (case-insensitive), {@code <bool>} is {@code 0|1}, {@code <text>} is percent-encoded
 * UTF-8 (printable ASCII other than {@code %} and {@code =} stands for itself). {@code ts=<dec>} (nanoseconds) is
 * optional on every event record.
 * <pre>
 * # mtrr: vm &lt;text&gt;                      sets the VM of the following lines (ignored under --vm)
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
 * Any other {@code #} line is an ignored comment. VM id of a trace file: {@code --vm}, else the last
 * {@code # mtrr: vm}, else the file name without directory and last extension. vCPU of a trace line: {@code n}
 * from a comm {@code CPU n/KVM}, else the host thread's order of first appearance in that VM.
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
