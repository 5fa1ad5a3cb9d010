package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaDirection;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;

class JsonLinesParserTest {
    static final String FILE = "fleet.jsonl";
    static final String BRIEF_EXAMPLES = """
            {"vm":"vm-1","type":"vm_config","maxphyaddr":46,"guest_has_mtrr":true,"tdp_enabled":true,"quirk_cd_nw_cleared":true}
            {"vm":"vm-1","vcpu":0,"type":"vcpu","op":"create","cr0":"0x60000010"}
            {"vm":"vm-1","vcpu":0,"type":"msr_write","msr":"0x2ff","value":"0xc06"}
            {"vm":"vm-1","vcpu":0,"type":"cr0_write","value":"0x60000011"}
            {"vm":"vm-1","type":"dma","op":"noncoherent_register"}
            {"vm":"vm-1","type":"dma","op":"noncoherent_unregister"}
            {"vm":"vm-1","type":"dma","op":"transfer","gpa":"0x80000000","len":"0x1000","device":"0000:01:00.0","direction":"to_device"}
            """;

    static ParsedLog parse(String text, ParseOptions options) {
        return new JsonLinesParser().open(FILE, new StringReader(text), options);
    }

    static List<MtrrEvent> events(String text) {
        try (ParsedLog log = parse(text, ParseOptions.DEFAULTS)) {
            return log.readAll();
        }
    }

    static String rejection(String line) {
        try (ParsedLog log = parse(line, ParseOptions.DEFAULTS)) {
            return assertThrows(LogParseException.class, log::readAll).getMessage();
        }
    }

    @Test
    void shouldParseEveryEventTypeOfTheBrief() {
        List<MtrrEvent> e = events(BRIEF_EXAMPLES);
        assertEquals(7, e.size());
        assertEquals(new VmConfig(46, true, true, true), e.get(0).getPayload());
        assertEquals(new VcpuLifecycle(LifecycleOp.CREATE, 0x60000010L), e.get(1).getPayload());
        assertEquals(new MsrWrite(0x2ffL, 0xc06L, false, false), e.get(2).getPayload());
        assertEquals(new Cr0Write(0x60000011L), e.get(3).getPayload());
        assertEquals(new DmaOp(DmaOpKind.NONCOHERENT_REGISTER, null, null, null, null), e.get(4).getPayload());
        assertEquals(new DmaOp(DmaOpKind.NONCOHERENT_UNREGISTER, null, null, null, null), e.get(5).getPayload());
        assertEquals(new DmaOp(DmaOpKind.TRANSFER, "0000:01:00.0", 0x80000000L, 0x1000L, DmaDirection.TO_DEVICE),
                e.get(6).getPayload());
        assertEquals(new FilePosition(FILE, 7L), e.get(6).getSource());
        assertNull(e.get(0).getVcpu());
        assertNull(e.get(0).getTimestampNs());
    }

    @Test
    void shouldApplyDefaultsUnsignedHexIntegersAndTimestamps() {
        List<MtrrEvent> e = events("""
                {"vm":"a","type":"vm_config"}
                {"vm":"a","vcpu":1023,"type":"msr_write","msr":767,"value":"0xFFFFFFFFFFFFFFFF","host_initiated":true,"gp":true,"ts_ns":5}
                {"vm":"a","vcpu":"0x3","type":"cr0_write","value":18446744073709551615}

                # comment
                {"vm":"a","vcpu":2,"type":"vcpu","op":"reset"}
                """);
        assertEquals(new VmConfig(46, true, true, true), e.get(0).getPayload());
        assertEquals(new MsrWrite(0x2ffL, -1L, true, true), e.get(1).getPayload());
        assertEquals(5L, e.get(1).getTimestampNs());
        assertEquals(3, e.get(2).getVcpu());
        assertEquals(new Cr0Write(-1L), e.get(2).getPayload());
        assertEquals(new VcpuLifecycle(LifecycleOp.RESET, null), e.get(3).getPayload());
    }

    @Test
    void shouldReplaceVmWithOverrideAndMakeItOptional() {
        try (ParsedLog log = parse("""
                {"vm":"x","vcpu":0,"type":"cr0_write","value":"0x11"}
                {"vcpu":0,"type":"cr0_write","value":"0x11"}
                """, ParseOptions.DEFAULTS.withVm("vm-9"))) {
            assertTrue(log.readAll().stream().allMatch(e -> e.getVm().equals("vm-9")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"vm\":\"a\",\"type\":\"msr_read\",\"vcpu\":0}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"vcpu\",\"op\":\"explode\"}",
        "{\"type\":\"vm_config\"}",
        "{\"vm\":\"\",\"type\":\"vm_config\"}",
        "{\"vm\":\"a\\u0000b\",\"type\":\"vm_config\"}",
        "{\"vm\":\"a\",\"type\":\"msr_write\",\"msr\":\"0x2ff\",\"value\":\"0x0\"}",
        "{\"vm\":\"a\",\"type\":\"cr0_write\",\"value\":\"0x0\"}",
        "{\"vm\":\"a\",\"type\":\"vcpu\",\"op\":\"create\"}",
        "{\"vm\":\"a\",\"vcpu\":-1,\"type\":\"cr0_write\",\"value\":\"0x0\"}",
        "{\"vm\":\"a\",\"vcpu\":1024,\"type\":\"cr0_write\",\"value\":\"0x0\"}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"msr_write\",\"msr\":\"0x100000000\",\"value\":\"0x0\"}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",\"maxphyaddr\":11}",
        "{\"vm\":\"a\",\"type\":\"vm_config\",\"maxphyaddr\":53}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"msr_write\",\"msr\":\"0x2ff\",\"valeu\":\"0x0\"}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":\"0x0\"} x",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":\"0x0\",\"value\":\"0x1\"}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":1.5}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":\"12\"}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"cr0_write\",\"value\":\"0x1ffffffffffffffff\"}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"vcpu\",\"op\":\"online\",\"cr0\":\"0x11\"}",
        "{\"vm\":\"a\",\"vcpu\":0,\"type\":\"dma\",\"op\":\"noncoherent_register\"}",
        "{\"vm\":\"a\",\"type\":\"dma\",\"op\":\"noncoherent_register\",\"gpa\":\"0x0\"}",
        "{\"vm\":\"a\",\"type\":\"dma\",\"op\":\"transfer\",\"gpa\":\"0x0\"}",
        "{\"vm\":\"a\",\"type\":\"dma\",\"op\":\"transfer\",\"gpa\":\"0x0\",\"len\":0}",
        "{\"vm\":\"a\",\"type\":\"dma\",\"op\":\"transfer\",\"gpa\":\"0x0\",\"len\":\"0x1\",\"direction\":\"sideways\"}",
        "[1,2]",
        "{\"vm\":\"a\",",
        "{\"vm\":7,\"type\":\"vm_config\"}",
    })
    void shouldRejectInvalidLineWithFileLineAndText(String line) {
        String message = rejection(line);
        assertTrue(message.startsWith(FILE + ":1: "), message);
        assertTrue(message.contains(LogParseException.abbreviate(line)), message);
    }

    @Test
    void shouldExplainWhatWasExpected() {
        assertTrue(rejection("{\"vm\":\"a\",\"vcpu\":0,\"type\":\"msr_write\",\"msr\":\"0x2ff\",\"valeu\":\"0x0\"}")
                .contains("unknown field 'valeu' for msr_write, expected vm, type, ts_ns, vcpu, msr, value"));
        assertTrue(rejection("{\"vm\":\"a\",\"type\":\"msr_write\",\"msr\":\"0x2ff\",\"value\":\"0x0\"}")
                .contains("missing vcpu"));
        assertTrue(rejection("{\"vm\":\"a\",\"type\":\"mtrr\"}").contains("unknown type 'mtrr', expected"));
    }

    @Test
    void shouldDetectFormatFromFirstSignificantLine() throws IOException {
        assertEquals(LogFormat.JSONL, LogFormat.detect(new BufferedReader(new StringReader("\n# x\n  {\"vm\":1}\n"))));
        assertEquals(LogFormat.FTRACE, LogFormat.detect(new BufferedReader(
                new StringReader("# tracer: nop\n" + FtraceParserTest.PERF_SCRIPT))));
        assertEquals(LogFormat.FTRACE, LogFormat.detect(new BufferedReader(new StringReader(""))));
    }
}
