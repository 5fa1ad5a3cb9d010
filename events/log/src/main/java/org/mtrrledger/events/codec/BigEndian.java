package org.mtrrledger.events.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Big-endian numbers written into and read from a byte array in place, for record encoders and store keys on the
 * fold's hot path: a {@code ByteBuffer.wrap} per record escapes and is allocated every time; these compile to plain
 * loads and stores. An index outside the array throws {@link IndexOutOfBoundsException}.
 */
public final class BigEndian {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private BigEndian() {
    }

    public static void putLong(byte[] b, int at, long v) {
        LONG.set(b, at, v);
    }

    public static void putInt(byte[] b, int at, int v) {
        INT.set(b, at, v);
    }

    public static void putShort(byte[] b, int at, short v) {
        SHORT.set(b, at, v);
    }

    public static long getLong(byte[] b, int at) {
        return (long) LONG.get(b, at);
    }

    public static int getInt(byte[] b, int at) {
        return (int) INT.get(b, at);
    }
}
