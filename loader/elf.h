/* loader/elf.h — ELF64 headers (System V ABI / ELF spec) and the pure validator the loader and the unit
 * tests share. */
#ifndef SKIFF_ELF_H
#define SKIFF_ELF_H
#include "../kernel/kernel.h"

#define ET_EXEC 2
#define ET_DYN 3
#define EM_X86_64 62
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4

typedef struct {
    u8 ident[16];
    u16 type, machine;
    u32 version;
    u64 entry, phoff, shoff;
    u32 flags;
    u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} Elf64_Ehdr;
_Static_assert(sizeof(Elf64_Ehdr) == 64, "ELF64 header");

typedef struct {
    u32 type, flags;
    u64 offset, vaddr, paddr, filesz, memsz, align;
} Elf64_Phdr;
_Static_assert(sizeof(Elf64_Phdr) == 56, "ELF64 program header");

#define ELF_MAX_PHNUM 64

struct elf_info {
    u16 type;                  /* ET_EXEC or ET_DYN */
    u64 entry;
    u64 phoff;
    u16 phnum;
    Elf64_Phdr phdrs[ELF_MAX_PHNUM];
    u64 lo, hi;                /* page-aligned span of the PT_LOAD segments (link addresses) */
    u64 phdr_vaddr;            /* where the program headers are in memory (0 if not loaded) */
    bool has_interp;
    u64 interp_off, interp_len;
    bool exec_stack;
};

/* Checks that buf (the first len bytes of a file of file_size bytes) is a loadable x86_64 ELF and fills info.
 * Returns 0, or -1 with *why set to a one-line reason. */
int elf_parse(const u8 *buf, size_t len, u64 file_size, struct elf_info *info, const char **why);

#endif
