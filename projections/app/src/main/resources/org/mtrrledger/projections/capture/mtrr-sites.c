/*
 * mtrr-sites: a QEMU TCG plugin (plugin API version 1, QEMU 7.2) that finds every instruction able to write CR0 or an
 * MSR as it is translated, and announces each execution of one.
 *
 *   S <vaddr> <hex bytes>    at translation, once per translated copy of a site
 *   X <vcpu> <vaddr>         before a site executes (the callback runs ahead of the instruction)
 *
 * Both go to QEMU's log (-d plugin), in the same order as the -d exec entries, which is what lets the capture pair an
 * announced execution with the register dump logged when the next translation block starts (MtrrCapture's javadoc).
 * The API cannot read registers in this QEMU, hence the pairing. The prototypes below are the few functions of
 * QEMU's public plugin API (include/qemu/qemu-plugin.h, version 1) that this file calls; Debian ships no header.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
typedef void (*tb_trans_cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*insn_exec_cb)(unsigned int vcpu_index, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, tb_trans_cb cb);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, insn_exec_cb cb, int flags, void *udata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* WRMSR (0f 30), MOV to CR0 (0f 22 /r with reg 0 and no REX.R: REX.R selects CR8), LMSW (0f 01 /6), CLTS (0f 06),
 * after any legacy and REX prefixes. */
static int is_site(const uint8_t *b, size_t n)
{
    size_t i = 0;
    int rex_r = 0;
    for (; i < n; i++) {
        uint8_t p = b[i];
        if (p == 0x66 || p == 0x67 || p == 0xf0 || p == 0xf2 || p == 0xf3 || p == 0x2e || p == 0x36 || p == 0x3e
            || p == 0x26 || p == 0x64 || p == 0x65) {
            continue;
        }
        if ((p & 0xf0) == 0x40) {
            rex_r = (p >> 2) & 1;
            continue;
        }
        break;
    }
    if (i + 1 >= n || b[i] != 0x0f) {
        return 0;
    }
    uint8_t op = b[i + 1];
    if (op == 0x30 || op == 0x06) {
        return 1;
    }
    if (i + 2 >= n) {
        return 0;
    }
    uint8_t reg = (b[i + 2] >> 3) & 7;
    return (op == 0x22 && reg == 0 && !rex_r) || (op == 0x01 && reg == 6);
}

static void on_exec(unsigned int vcpu, void *udata)
{
    char line[64];
    snprintf(line, sizeof line, "X %u %" PRIx64 "\n", vcpu, (uint64_t)(uintptr_t)udata);
    qemu_plugin_outs(line);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t k = 0; k < n; k++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, k);
        const uint8_t *bytes = qemu_plugin_insn_data(insn);
        size_t len = qemu_plugin_insn_size(insn);
        if (!is_site(bytes, len)) {
            continue;
        }
        uint64_t vaddr = qemu_plugin_insn_vaddr(insn);
        char line[96];
        int at = snprintf(line, sizeof line, "S %" PRIx64 " ", vaddr);
        for (size_t j = 0; j < len && at < (int)sizeof line - 4; j++) {
            at += snprintf(line + at, sizeof line - at, "%02x", bytes[j]);
        }
        snprintf(line + at, sizeof line - at, "\n");
        qemu_plugin_outs(line);
        qemu_plugin_register_vcpu_insn_exec_cb(insn, on_exec, 0, (void *)(uintptr_t)vaddr);
    }
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                                               int argc, char **argv)
{
    (void)info;
    (void)argc;
    (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    return 0;
}
