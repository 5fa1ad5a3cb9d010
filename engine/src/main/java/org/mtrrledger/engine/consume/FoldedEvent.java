package org.mtrrledger.engine.consume;

import java.util.Arrays;
import org.mtrrledger.engine.fold.Outcome;
import org.mtrrledger.engine.store.Batch;
import org.mtrrledger.engine.store.CorruptValueException;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.VmKeys;
import org.mtrrledger.events.codec.BigEndian;

/**
 * The value of the {@link EventLog} (keyed by VM and offset): the record's partition, the record value as it
 * came from the log (Avro single-object bytes, kept verbatim so audit shows exactly what was published) and the
 * fold's outcome. Layout: partition (4) | payload length (4) | payload | outcome. The VM id is in the key.
 */
public record FoldedEvent(int partition, byte[] payload, Outcome outcome) {
    public byte[] encode() {
        return encode(partition, payload, outcome);
    }

    /** Encodes without building the record. */
    static byte[] encode(int partition, byte[] payload, Outcome outcome) {
        byte[] out = new byte[8 + payload.length + outcome.encodedSize()];
        writeTo(partition, payload, outcome, out, 0);
        return out;
    }

    /** Puts the encoding into {@code batch} in place, without an intermediate array (the engine's hot path). */
    static void put(EventLog<?> log, Batch batch, VmKeys vm, long offset, int partition, byte[] payload,
            Outcome outcome) {
        log.put(batch, vm, offset, 8 + payload.length + outcome.encodedSize(),
                (out, at) -> writeTo(partition, payload, outcome, out, at));
    }

    private static void writeTo(int partition, byte[] payload, Outcome outcome, byte[] out, int at) {
        BigEndian.putInt(out, at, partition);
        BigEndian.putInt(out, at + 4, payload.length);
        System.arraycopy(payload, 0, out, at + 8, payload.length);
        outcome.encodeInto(out, at + 8 + payload.length);
    }

    public static FoldedEvent decode(byte[] bytes) {
        try {
            byte[] p = payloadOf(bytes);
            byte[] o = Arrays.copyOfRange(bytes, 8 + p.length, bytes.length);
            return new FoldedEvent(partitionOf(bytes), p, Outcome.decode(o));
        } catch (CorruptValueException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptValueException("stored event", e);
        }
    }

    /** The payload alone, for replay (skips decoding the outcome). */
    public static byte[] payloadOf(byte[] bytes) {
        byte[] p = new byte[BigEndian.getInt(bytes, 4)];
        System.arraycopy(bytes, 8, p, 0, p.length); // throws if the stored length runs past the value
        return p;
    }

    /** The outcome alone, for a reader of the fold's verdicts (skips copying and decoding the payload). */
    public static Outcome outcomeOf(byte[] bytes) {
        try {
            int at = 8 + BigEndian.getInt(bytes, 4);
            return Outcome.decode(Arrays.copyOfRange(bytes, at, bytes.length));
        } catch (CorruptValueException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptValueException("stored event", e);
        }
    }

    /** The partition alone. */
    public static int partitionOf(byte[] bytes) {
        return BigEndian.getInt(bytes, 0);
    }
}
