package org.mtrrledger.events.gen;

import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;

/**
 * DMA transfers by the VM's assigned device: page-aligned buffers in low RAM above 1 MiB, 4 KiB–128 KiB long,
 * random direction. They matter to the engine because a transfer into a GFN whose EPT memtype is stale is the
 * hazard mtrr-ledger audits.
 */
final class DmaTraffic {
    private static final DmaDirection[] DIRECTIONS = DmaDirection.values();

    private DmaTraffic() {
    }

    static void transfer(VmSink sink) {
        long len = sink.rnd.nextLong(1, 33) * 0x1000L;
        long firstPage = 0x100000L >> 12;
        long lastPage = (sink.profile.layout().lowRam() - len) >> 12;
        long gpa = sink.rnd.nextLong(firstPage, lastPage + 1) << 12;
        DmaDirection dir = DIRECTIONS[sink.rnd.nextInt(DIRECTIONS.length)];
        sink.dma(new DmaOp(DmaOpKind.TRANSFER, sink.profile.assignedDevice(), gpa, len, dir));
    }

    static void register(VmSink sink) {
        sink.dma(new DmaOp(DmaOpKind.NONCOHERENT_REGISTER, sink.profile.assignedDevice(), null, null, null));
    }
}
