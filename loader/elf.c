/* loader/elf.c — checking an ELF64 executable before anything is mapped. Linux is the reference: its execve
 * refuses a file with ENOEXEC (or EIO for a short read) only for a bad identity, type, machine, program header
 * table or PT_INTERP; segments that overlap, come in any order, have odd alignments or point past the end of
 * the file are loaded as they are (later segments replace earlier ones) and whatever cannot be mapped kills
 * the process with SIGSEGV once exec has committed (elf_check_load). Class and byte order are not checked
 * (Linux does not: the machine field decides). Pure: builds on the host for the unit tests and fuzzing. */
#include "elf.h"
#include "../kernel/errno.h"

#define PAGE 4096ull

static int fail(const char **why, const char *msg, int err)
{
    *why = msg;
    return err;
}

int elf_check_header(const Elf64_Ehdr *h, size_t hdr_len, u64 file_size, const char **why)
{
    if (hdr_len < 4 || memcmp(h->ident, "\177ELF", 4) != 0)
        return fail(why, "not an ELF file", -ENOEXEC);
    if (hdr_len < sizeof(*h))
        return fail(why, "the ELF header is cut short", -ENOEXEC); /* Linux reads zeros there: type 0 */
    if (h->type != ET_EXEC && h->type != ET_DYN)
        return fail(why, "not an executable (ELF type is neither EXEC nor DYN)", -ENOEXEC);
    if (h->machine != EM_X86_64)
        return fail(why, "not an x86_64 program", -ENOEXEC);
    if (h->phentsize != sizeof(Elf64_Phdr))
        return fail(why, "bad program header size", -ENOEXEC);
    if (h->phnum == 0 || h->phnum > 65536 / sizeof(Elf64_Phdr))
        return fail(why, "bad number of program headers", -ENOEXEC);
    if (h->phnum > ELF_MAX_PHNUM)
        return fail(why, "more program headers than skiff takes (64)", -ENOEXEC);
    u64 end = h->phoff + (u64)h->phnum * sizeof(Elf64_Phdr);
    if (end < h->phoff || end > file_size)
        return fail(why, "program headers lie outside the file", -ENOEXEC);
    return 0;
}

static void scan_load(const Elf64_Ehdr *h, const Elf64_Phdr *p, struct elf_info *info)
{
    info->any_load = true;
    info->lo = MIN(info->lo, p->vaddr & ~(PAGE - 1));
    u64 end = p->vaddr + p->memsz;
    info->hi = MAX(info->hi, end < p->vaddr ? ~0ull & ~(PAGE - 1) : (end + PAGE - 1) & ~(PAGE - 1));
    if (p->offset <= h->phoff && h->phoff - p->offset < p->filesz)
        info->phdr_vaddr = p->vaddr + (h->phoff - p->offset); /* as Linux: the segment holding the table */
}

int elf_scan(const Elf64_Ehdr *h, const Elf64_Phdr *ph, u64 file_size, struct elf_info *info, const char **why)
{
    memset(info, 0, sizeof(*info));
    info->type = h->type;
    info->entry = h->entry;
    info->phoff = h->phoff;
    info->phnum = h->phnum;
    info->exec_stack = true; /* no PT_GNU_STACK: executable stack, as Linux assumes */
    memcpy(info->phdrs, ph, h->phnum * sizeof(Elf64_Phdr));
    info->lo = ~0ull;
    for (int i = 0; i < h->phnum; i++) {
        const Elf64_Phdr *p = &info->phdrs[i];
        if (p->type == PT_LOAD) {
            scan_load(h, p, info);
        } else if (p->type == PT_INTERP && !info->has_interp) {
            if (p->filesz > 4096 || p->filesz < 2)
                return fail(why, "bad PT_INTERP size", -ENOEXEC);
            if (p->offset + p->filesz < p->offset || p->offset + p->filesz > file_size)
                return fail(why, "PT_INTERP lies outside the file", -EIO);
            info->has_interp = true;
            info->interp_off = p->offset;
            info->interp_len = p->filesz;
        } else if (p->type == PT_GNU_STACK) {
            info->exec_stack = p->flags & PF_X;
        }
    }
    if (!info->any_load)
        info->lo = info->hi = 0;
    return 0;
}

int elf_parse(const u8 *buf, size_t len, u64 file_size, struct elf_info *info, const char **why)
{
    const Elf64_Ehdr *h = (const Elf64_Ehdr *)buf;
    int rc = elf_check_header(h, len, file_size, why);
    if (rc)
        return rc;
    if (h->phoff + (u64)h->phnum * sizeof(Elf64_Phdr) > len)
        return fail(why, "program headers lie outside the file", -ENOEXEC);
    return elf_scan(h, (const Elf64_Phdr *)(buf + h->phoff), file_size, info, why);
}

int elf_check_load(const Elf64_Phdr *p, u64 base, const char **why)
{
    u64 va = base + p->vaddr;
    if (p->memsz < p->filesz)
        return fail(why, "a PT_LOAD segment has memsz < filesz", -1);
    if (p->vaddr >= ELF_USER_LIMIT || ELF_USER_LIMIT - p->vaddr < p->memsz || va >= ELF_USER_LIMIT ||
        ELF_USER_LIMIT - va < p->memsz)
        return fail(why, "a PT_LOAD segment lies outside user space", -1);
    if (p->filesz && (p->offset % PAGE) != (va % PAGE))
        return fail(why, "a PT_LOAD segment's offset and address disagree modulo the page size", -1);
    return 0;
}
