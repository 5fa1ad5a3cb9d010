package org.mtrrledger.projections.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pairing of announced executions with the register dumps of the next block, on log text in QEMU 7.2's shapes. */
class ExecLogReaderTest {
    /** SeaBIOS's MTRR loop in 32-bit mode (wrmsr at 0xe9aa7) and its CR0 write (movl %ecx, %cr0 at 0xfec3d). */
    private static final String SITES = """
            S e9aa7 0f30
            S fec3d 0f22c1
            S ffffffff81046122 0f22c7
            """;
    private static final Set<Long> LOGGED = Set.of(0xe9aa9L, 0xfec40L, 0xffffffff81046125L);

    private static String dump32(int vcpu, long pc, long eax, long ecx, long edx, long cr0) {
        return String.format("""
                Trace %d: 0x7f11f4075440 [00000000000f0000/%016x/000800c0/ff000200]\s
                EAX=%08x EBX=00000000 ECX=%08x EDX=%08x
                ESI=000000f8 EDI=00000000 EBP=000f0630 ESP=00006c5c
                EIP=0000ec40 EFL=00000006 [-----P-] CPL=0 II=0 A20=1 SMM=1 HLT=0
                SS =0000 00000000 ffffffff 00809300 DPL=0 DS16 [-WA]
                GDT=     000f6180 00000037
                CR0=%08x CR2=00000000 CR3=00000000 CR4=00000000
                EFER=0000000000000000
                """, vcpu, pc, eax, ecx, edx, cr0);
    }

    private static String dump64(int vcpu, long pc, long rdi, long cr0) {
        return String.format("""
                Trace %d: 0x7f11f4eaa3c0 [0000000000000000/%016x/0000c290/ff000200]\s
                RAX=0000000000000010 RBX=0000000000000000 RCX=0000000000000174 RDX=0000000000000000
                RSI=0000000000000010 RDI=%016x RBP=ffff888003e61800 RSP=ffffc9000009bf00
                R8 =00000000fffffe00 R9 =ffff88807dd06078 R10=0000000000000000 R11=0000000000000000
                RIP=%016x RFL=00000046 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0
                CR0=%016x CR2=0000000000000000 CR3=0000000002a10000 CR4=000006f0
                XMM00=0000000000000000 0000000000000000 XMM01=0000000000000000 0000000000000000
                """, vcpu, pc, rdi, pc, cr0);
    }

    private static ExecLogReader read(String log) {
        ExecLogReader r = new ExecLogReader(LOGGED);
        log.lines().forEach(r::line);
        r.end();
        return r;
    }

    @Test
    void shouldReadEcxAndEdxEaxOfAWrmsrFromTheNextBlocksDump() {
        ExecLogReader r = read(SITES + "X 0 e9aa7\n" + dump32(0, 0xe9aa9, 0x06060606, 0x250, 0x06060606, 0x11));
        assertEquals(List.of(new GuestWrite.Msr(0, 0x250, 0x0606060606060606L)), r.writes());
        assertTrue(r.unpaired().isEmpty());
    }

    @Test
    void shouldReadTheMovSourceRegisterAndRememberCr0BeforeTheWrite() {
        String log = SITES
                + "X 1 fec3d\n" + dump32(1, 0xfec40, 0, 0x11, 0, 0x11)
                + "X 1 ffffffff81046122\n" + dump64(1, 0xffffffff81046125L, 0x80050033L, 0x80050033L);
        assertEquals(List.of(new GuestWrite.Cr0(1, 0x11, ExecLogReader.RESET_CR0),
                new GuestWrite.Cr0(1, 0x80050033L, 0x11)), read(log).writes());
    }

    @Test
    void shouldIgnoreABlockEnteredWithoutAnAnnouncedWrite() {
        ExecLogReader r = read(SITES + dump32(0, 0xfec40, 0, 0x11, 0, 0x11));
        assertEquals(List.of(), r.writes());
        assertEquals(1, r.unannounced());
    }

    @Test
    void shouldPairEachVcpuWithItsOwnNextBlockWhenVcpusInterleave() {
        String log = SITES + "X 0 e9aa7\nX 1 e9aa7\n"
                + dump32(1, 0xe9aa9, 1, 0x2ff, 0, 0x11) + dump32(0, 0xe9aa9, 2, 0x2ff, 0, 0x11);
        assertEquals(List.of(new GuestWrite.Msr(1, 0x2ff, 1), new GuestWrite.Msr(0, 0x2ff, 2)), read(log).writes());
    }

    @Test
    void shouldReportASiteWhoseNextBlockThisPassDoesNotLog() {
        ExecLogReader r = read("S 1000 0f30\nX 0 1000\n");
        assertEquals(Set.of(0x1002L), r.incomplete());
        assertEquals(1, r.unpaired().size(), "the write's values were never seen");
    }

    @Test
    void shouldNeverGuessValuesWhenTheNextLoggedBlockIsElsewhere() {
        ExecLogReader r = read(SITES + "X 0 e9aa7\n" + dump32(0, 0xfec40, 0, 0x11, 0, 0x11));
        assertEquals(List.of(), r.writes());
        assertEquals(1, r.unpaired().size());
        assertTrue(r.unpaired().get(0).contains("0xfec40"), r.unpaired().get(0));
    }

    @Test
    void shouldTurnResetsAfterTheGuestStartedIntoInits() {
        String reset = "CPU Reset (CPU 1)\nEAX=00000000 EBX=00000000 ECX=00000000 EDX=00000663\nCR0=60000010 CR2=0\n";
        String log = reset + SITES + "X 0 e9aa7\n" + dump32(0, 0xe9aa9, 0, 0x2ff, 0, 0x11) + reset;
        assertEquals(List.of(new GuestWrite.Msr(0, 0x2ff, 0), new GuestWrite.Init(1)), read(log).writes());
    }

    @Test
    void shouldTakeTheLatestTranslationOfAnAddressWhoseCodeChanged() {
        String log = "S 1000 0f30\nS 1000 0f22c0\n" + "X 0 1000\n" + dump32(0, 0x1003, 0x33, 0, 0, 0x33);
        ExecLogReader r = new ExecLogReader(Set.of(0x1003L));
        log.lines().forEach(r::line);
        r.end();
        assertEquals(List.of(new GuestWrite.Cr0(0, 0x33, ExecLogReader.RESET_CR0)), r.writes());
    }
}
