/* test/fuzz/fuzz_elf.c — the ELF loader's checks (loader/elf.c): elf_parse (header, program headers,
 * PT_INTERP) over any bytes, then elf_check_load on every PT_LOAD at the two load biases exec uses. Seeds: a
 * small ET_EXEC and a small ET_DYN with an interpreter, made here, plus any program given with -f. */
#include <string.h>
#include "fuzz.h"
#include "../../loader/elf.h"

const char fuzz_target_name[] = "elf";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct elf_info info;
    const char *why = NULL;
    if (elf_parse(data, size, size, &info, &why) != 0)
        return 0;
    volatile u64 sum = info.lo + info.hi + info.entry;
    for (u16 i = 0; i < info.phnum && i < ELF_MAX_PHNUM; i++) {
        const Elf64_Phdr *p = &info.phdrs[i];
        if (p->type != PT_LOAD)
            continue;
        sum += elf_check_load(p, 0, &why) == 0;
        sum += elf_check_load(p, 0x555555554000ull, &why) == 0;
    }
    if (info.has_interp && info.interp_off <= size && info.interp_len <= size - info.interp_off)
        for (u64 i = 0; i < info.interp_len; i++)
            sum += data[info.interp_off + i]; /* what exec would read as the interpreter's path */
    (void)sum;
    return 0;
}

static size_t make(uint8_t *b, u16 type, bool interp)
{
    memset(b, 0, 4096);
    Elf64_Ehdr *h = (Elf64_Ehdr *)b;
    memcpy(h->ident, "\177ELF\2\1\1", 7);
    h->type = type;
    h->machine = EM_X86_64;
    h->version = 1;
    h->entry = type == ET_EXEC ? 0x401000 : 0x1000;
    h->phoff = 64;
    h->ehsize = 64;
    h->phentsize = 56;
    h->phnum = interp ? 4 : 3;
    Elf64_Phdr *p = (Elf64_Phdr *)(b + 64);
    u64 base = type == ET_EXEC ? 0x400000 : 0;
    p[0] = (Elf64_Phdr){ PT_LOAD, PF_R, 0, base, base, 0x300, 0x300, 0x1000 };
    p[1] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, 0x1000, base + 0x1000, base + 0x1000, 0x10, 0x10, 0x1000 };
    p[2] = (Elf64_Phdr){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16 };
    if (interp) {
        p[3] = (Elf64_Phdr){ PT_INTERP, PF_R, 0x200, base + 0x200, base + 0x200, 28, 28, 1 };
        memcpy(b + 0x200, "/lib64/ld-linux-x86-64.so.2", 28);
    }
    b[0x1000] = 0xc3;
    return 0x1010;
}

void fuzz_make_seeds(void)
{
    static uint8_t b[8192];
    fuzz_add_seed(b, make(b, ET_EXEC, false));
    fuzz_add_seed(b, make(b, ET_DYN, true));
}
