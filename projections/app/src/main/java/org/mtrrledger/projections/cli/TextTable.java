package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** An aligned text table: a header row, then rows; numbers are right-aligned. */
final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] rightAligned;

    TextTable(String... header) {
        rows.add(header);
        rightAligned = new boolean[header.length];
    }

    TextTable right(int... columns) {
        for (int c : columns) {
            rightAligned[c] = true;
        }
        return this;
    }

    TextTable row(Object... cells) {
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null ? "-" : cells[i].toString();
        }
        rows.add(r);
        return this;
    }

    int size() {
        return rows.size() - 1;
    }

    void print(PrintStream out) {
        int n = rows.get(0).length;
        int[] w = new int[n];
        for (String[] r : rows) {
            for (int i = 0; i < n && i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < n && i < r.length; i++) {
                String cell = r[i];
                String pad = " ".repeat(w[i] - cell.length());
                b.append(rightAligned[i] ? pad + cell : (i == n - 1 ? cell : cell + pad));
                if (i < n - 1) {
                    b.append("  ");
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }

    /**
     * A size given in 4 KiB pages, in the largest unit that shows it exactly (e.g. "2047 MiB", "64 TiB"), else
     * with one decimal. Works for ranges up to 2^64 pages.
     */
    static String pages(long gfns) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB"};
        java.math.BigInteger kib = new java.math.BigInteger(Long.toUnsignedString(gfns)).shiftLeft(2);
        for (int u = units.length - 1; u >= 0; u--) {
            java.math.BigInteger unit = java.math.BigInteger.ONE.shiftLeft(10 * u);
            java.math.BigInteger[] qr = kib.divideAndRemainder(unit);
            if (qr[0].signum() > 0 && qr[1].signum() == 0 && qr[0].compareTo(java.math.BigInteger.valueOf(100000)) < 0) {
                return qr[0] + " " + units[u];
            }
        }
        double v = kib.doubleValue();
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }

    /** The GPA of a page boundary; GFN 2^52, the end of the GFN space, is 2^64: one past the last 64-bit GPA. */
    static String gpa(long gfn) {
        return gfn >>> 52 == 0 ? String.format("0x%012x", gfn << 12)
                : "0x" + java.math.BigInteger.valueOf(gfn).shiftLeft(12).toString(16);
    }
}
