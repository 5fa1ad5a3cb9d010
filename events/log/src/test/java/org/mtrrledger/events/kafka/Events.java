package org.mtrrledger.events.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Test data: {@code count} records spread round-robin over {@code vms} VM keys, value "vm-K#SEQ". */
final class Events {

    private Events() {
    }

    static Iterator<KeyedRecord> generate(String prefix, int vms, int count) {
        return generateThenFail(prefix, vms, count, Integer.MAX_VALUE, null);
    }

    /** Like {@link #generate} but {@code next()} throws {@code failure} when asked for record {@code failAt}. */
    static Iterator<KeyedRecord> generateThenFail(String prefix, int vms, int count, int failAt,
                                                   RuntimeException failure) {
        return generateThenFail(prefix, vms, count, failAt, () -> { }, failure);
    }

    /** As above; {@code beforeFailing} runs when the failing record is asked for, before it throws. */
    static Iterator<KeyedRecord> generateThenFail(String prefix, int vms, int count, int failAt, Runnable beforeFailing,
                                                   RuntimeException failure) {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < count;
            }

            @Override
            public KeyedRecord next() {
                if (i >= count) {
                    throw new NoSuchElementException();
                }
                if (i == failAt) {
                    beforeFailing.run();
                    throw failure;
                }
                int n = i++;
                String vm = prefix + "-vm-" + (n % vms);
                return new KeyedRecord(vm, (vm + "#" + (n / vms)).getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    static String text(ConsumerRecord<String, byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    static long seq(ConsumerRecord<String, byte[]> r) {
        String s = text(r);
        return Long.parseLong(s.substring(s.indexOf('#') + 1));
    }
}
