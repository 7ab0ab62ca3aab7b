/* loader/elf.c — validating an ELF64 executable before anything is mapped: identity, class, machine, type,
 * program headers inside the file, PT_LOAD segments that are consistent (memsz >= filesz, offsets congruent
 * to addresses modulo the page size, inside user space, no wrap-around). Pure: builds on the host for the
 * unit tests and fuzzing. */
#include "elf.h"

#define PAGE 4096ull
#define USER_LIMIT 0x0000800000000000ull

static int fail(const char **why, const char *msg)
{
    *why = msg;
    return -1;
}

static int check_header(const Elf64_Ehdr *h, size_t len, u64 file_size, const char **why)
{
    if (len < sizeof(*h) || memcmp(h->ident, "\177ELF", 4) != 0)
        return fail(why, "not an ELF file");
    if (h->ident[4] != 2)
        return fail(why, "not a 64-bit ELF (ELFCLASS64 needed)");
    if (h->ident[5] != 1)
        return fail(why, "not a little-endian ELF");
    if (h->machine != EM_X86_64)
        return fail(why, "not an x86_64 program");
    if (h->type != ET_EXEC && h->type != ET_DYN)
        return fail(why, "not an executable (ELF type is neither EXEC nor DYN)");
    if (h->phentsize != sizeof(Elf64_Phdr))
        return fail(why, "bad program header size");
    if (h->phnum == 0 || h->phnum > ELF_MAX_PHNUM)
        return fail(why, "bad number of program headers");
    u64 end = h->phoff + (u64)h->phnum * sizeof(Elf64_Phdr);
    if (end < h->phoff || end > len || end > file_size)
        return fail(why, "program headers lie outside the file");
    return 0;
}

static int check_load(const Elf64_Phdr *p, u64 file_size, const char **why)
{
    if (p->memsz < p->filesz)
        return fail(why, "a PT_LOAD segment has memsz < filesz");
    if (p->offset + p->filesz < p->offset || p->offset + p->filesz > file_size)
        return fail(why, "a PT_LOAD segment lies outside the file (truncated?)");
    if (p->vaddr + p->memsz < p->vaddr || p->vaddr + p->memsz > USER_LIMIT)
        return fail(why, "a PT_LOAD segment lies outside user space");
    if ((p->offset % PAGE) != (p->vaddr % PAGE))
        return fail(why, "a PT_LOAD segment's offset and address disagree modulo the page size");
    return 0;
}

int elf_parse(const u8 *buf, size_t len, u64 file_size, struct elf_info *info, const char **why)
{
    const Elf64_Ehdr *h = (const Elf64_Ehdr *)buf;
    if (check_header(h, len, file_size, why))
        return -1;
    memset(info, 0, sizeof(*info));
    info->type = h->type;
    info->entry = h->entry;
    info->phoff = h->phoff;
    info->phnum = h->phnum;
    info->exec_stack = true; /* no PT_GNU_STACK: executable stack, as Linux assumes */
    memcpy(info->phdrs, buf + h->phoff, h->phnum * sizeof(Elf64_Phdr));
    info->lo = ~0ull;
    bool any = false;
    for (int i = 0; i < h->phnum; i++) {
        const Elf64_Phdr *p = &info->phdrs[i];
        if (p->type == PT_LOAD) {
            if (check_load(p, file_size, why))
                return -1;
            if (p->memsz == 0)
                continue;
            any = true;
            info->lo = MIN(info->lo, p->vaddr & ~(PAGE - 1));
            info->hi = MAX(info->hi, (p->vaddr + p->memsz + PAGE - 1) & ~(PAGE - 1));
            if (p->offset <= h->phoff && h->phoff + h->phnum * sizeof(Elf64_Phdr) <= p->offset + p->filesz)
                info->phdr_vaddr = p->vaddr + (h->phoff - p->offset);
        } else if (p->type == PT_INTERP) {
            if (p->offset + p->filesz > file_size || p->filesz < 2 || p->filesz > 4096)
                return fail(why, "bad PT_INTERP");
            info->has_interp = true;
            info->interp_off = p->offset;
            info->interp_len = p->filesz;
        } else if (p->type == PT_GNU_STACK) {
            info->exec_stack = p->flags & PF_X;
        } else if (p->type == PT_PHDR) {
            info->phdr_vaddr = p->vaddr;
        }
    }
    if (!any)
        return fail(why, "no loadable segments");
    if (h->type == ET_EXEC && info->lo < 0x10000)
        return fail(why, "an ET_EXEC segment below 64 KiB");
    if (info->entry < info->lo || info->entry >= info->hi)
        return fail(why, "entry point outside the loaded segments");
    return 0;
}
