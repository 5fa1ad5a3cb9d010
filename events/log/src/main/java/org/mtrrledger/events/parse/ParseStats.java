package org.mtrrledger.events.parse;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import org.mtrrledger.events.model.EventKind;

/**
 * Counters of one parse run. Live while the events stream is consumed and complete once it is exhausted. Not
 * thread-safe: a parse is single-threaded by construction (one reader).
 */
public final class ParseStats {
    /** Distinct "other event" names kept by name; beyond this they are only counted, so garbage cannot blow memory. */
    static final int MAX_OTHER_EVENT_NAMES = 256;

    private final Map<EventKind, Long> events = new EnumMap<>(EventKind.class);
    private final Map<SkipKind, Long> skipped = new EnumMap<>(SkipKind.class);
    private final Map<Integer, Long> otherCrWrites = new TreeMap<>();
    private final Map<String, Long> otherEvents = new LinkedHashMap<>();
    private final List<ThreadMapping> threads = new ArrayList<>();
    private long lines;
    private long rejected;

    void countLine() {
        lines++;
    }

    void countEvent(EventKind kind) {
        events.merge(kind, 1L, Long::sum);
    }

    void countSkip(SkipKind kind) {
        skipped.merge(kind, 1L, Long::sum);
    }

    void countOtherCrWrite(int cr) {
        otherCrWrites.merge(cr, 1L, Long::sum);
    }

    void countOtherEvent(String name) {
        if (otherEvents.containsKey(name) || otherEvents.size() < MAX_OTHER_EVENT_NAMES) {
            otherEvents.merge(name, 1L, Long::sum);
        }
    }

    void countRejected() {
        rejected++;
    }

    void addThread(ThreadMapping mapping) {
        threads.add(mapping);
    }

    /** Lines read so far (every line, including skipped and rejected ones). */
    public long lines() {
        return lines;
    }

    public long events(EventKind kind) {
        return events.getOrDefault(kind, 0L);
    }

    public long totalEvents() {
        return events.values().stream().mapToLong(Long::longValue).sum();
    }

    public Map<EventKind, Long> eventsByKind() {
        return Collections.unmodifiableMap(new EnumMap<>(events));
    }

    public long skipped(SkipKind kind) {
        return skipped.getOrDefault(kind, 0L);
    }

    public Map<SkipKind, Long> skippedByKind() {
        return Collections.unmodifiableMap(new EnumMap<>(skipped));
    }

    /** Skipped {@code cr_write} lines by CR number (3, 4, 8 …). */
    public Map<Integer, Long> otherCrWrites() {
        return Collections.unmodifiableMap(new TreeMap<>(otherCrWrites));
    }

    /** Skipped trace events by name (first {@value #MAX_OTHER_EVENT_NAMES} distinct names only). */
    public Map<String, Long> otherEvents() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(otherEvents));
    }

    /** Lines refused under {@link BadLinePolicy#SKIP}. */
    public long rejectedLines() {
        return rejected;
    }

    /**
     * Host thread attributions made by the ftrace parser, in order of first appearance: vCPU threads, and threads
     * that are not vCPU threads ({@link ThreadMapping#isVcpu()} false; their writes are skipped as
     * {@link SkipKind#NON_VCPU_THREAD}).
     */
    public List<ThreadMapping> threadMappings() {
        return List.copyOf(threads);
    }

    @Override
    public String toString() {
        return "ParseStats{lines=" + lines + ", events=" + events + ", skipped=" + skipped
                + ", rejected=" + rejected + ", threads=" + threads.size() + "}";
    }
}
