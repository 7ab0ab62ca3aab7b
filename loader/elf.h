/* loader/elf.h — ELF64 headers (System V ABI / ELF spec) and the pure checks the loader and the unit tests
 * share. The checks are split where Linux's execve splits them: what it refuses with an error before it
 * commits (elf_parse: ENOEXEC, EIO) and what makes the committed exec die with SIGSEGV (elf_check_load). */
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

#define ELF_MAX_PHNUM 64      /* Linux takes up to 64 KiB of headers (1170); programs have about 10 */
#define ELF_USER_LIMIT 0x0000800000000000ull

struct elf_info {
    u16 type;                  /* ET_EXEC or ET_DYN */
    u64 entry;
    u64 phoff;
    u16 phnum;
    Elf64_Phdr phdrs[ELF_MAX_PHNUM];
    bool any_load;             /* at least one PT_LOAD */
    u64 lo, hi;                /* page-aligned span of the PT_LOAD segments (link addresses) */
    u64 phdr_vaddr;            /* where the program headers are in memory (0 if not loaded) */
    bool has_interp;           /* the first PT_INTERP is the one that counts, as on Linux */
    u64 interp_off, interp_len;
    bool exec_stack;
    u32 at_ids[4];             /* AT_UID, AT_EUID, AT_GID, AT_EGID: the ids the program runs with */
    bool at_secure;            /* AT_SECURE: it gained privileges (kernel/cred_exec.c) */
};

/* Checks the ELF header of a file of file_size bytes (hdr_len bytes of it readable at h) as Linux does before
 * it commits: magic, type, machine, program header size and count, program headers inside the file.
 * Returns 0, -ENOEXEC or -EIO with *why set to a one-line reason. */
int elf_check_header(const Elf64_Ehdr *h, size_t hdr_len, u64 file_size, const char **why);
/* Fills info from a checked header and its program headers (ph: h->phnum entries). Refuses (-ENOEXEC, -EIO)
 * only what Linux refuses before committing: a PT_INTERP of a bad size or outside the file. */
int elf_scan(const Elf64_Ehdr *h, const Elf64_Phdr *ph, u64 file_size, struct elf_info *info, const char **why);
/* Both, for an image in memory (buf holds len bytes of the file). */
int elf_parse(const u8 *buf, size_t len, u64 file_size, struct elf_info *info, const char **why);
/* A PT_LOAD that Linux cannot map once committed (its process then dies with SIGSEGV): -1 and *why, else 0.
 * base is the load bias (0 for ET_EXEC). */
int elf_check_load(const Elf64_Phdr *p, u64 base, const char **why);

struct vm_space;
/* stack.c: the initial stack of the program just loaded into vs (base: its load bias; interp_base: AT_BASE);
 * *rsp is where argc is. 0, -E2BIG or -EFAULT. */
int exec_build_stack(struct vm_space *vs, const struct elf_info *ei, u64 base, u64 interp_base, const char *path,
                     char *const argv[], char *const envp[], u64 *rsp);
#endif
