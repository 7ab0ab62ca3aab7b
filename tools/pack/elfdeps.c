/* tools/pack/elfdeps.c — what ld.so reads of one ELF object: PT_INTERP, and from PT_DYNAMIC the DT_NEEDED
 * names, DT_RPATH and DT_RUNPATH. The header and program headers go through the kernel's own checks
 * (loader/elf.c's elf_parse, built for the host): a file the kernel would refuse to exec is not followed here
 * either. The dynamic section's strings are found as ld.so finds them: DT_STRTAB is an address, turned into a
 * file offset through the PT_LOAD segment that maps it. Anything out of bounds makes the file "not ELF": it is
 * then packed as data, as tools/skiff always did with broken files. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "pack.h"
#include "../../loader/elf.h"

/* A string of the file at off (at most max bytes), NUL-terminated inside the file; NULL otherwise. */
static char *file_str(const uint8_t *buf, size_t len, uint64_t off, uint64_t max)
{
    if (off >= len)
        return NULL;
    size_t room = len - off < max ? len - off : max;
    const uint8_t *end = memchr(buf + off, 0, room);
    return end ? strndup((const char *)buf + off, end - (buf + off)) : NULL;
}

/* The file offset of address va, through the PT_LOAD that maps it from the file; false if none does. */
static bool va_to_off(const struct elf_info *ei, uint64_t va, uint64_t *off)
{
    for (int i = 0; i < ei->phnum; i++) {
        const Elf64_Phdr *p = &ei->phdrs[i];
        if (p->type == PT_LOAD && va >= p->vaddr && va - p->vaddr < p->filesz) {
            *off = p->offset + (va - p->vaddr);
            return true;
        }
    }
    return false;
}

/* A name ld.so could look up: printable, no control bytes (a garbled file names anything). */
static bool sane_name(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static bool read_dynamic(const uint8_t *buf, size_t len, const struct elf_info *ei, const Elf64_Phdr *dp,
                         struct elf_facts *f)
{
    if (dp->offset > len || dp->filesz > len - dp->offset)
        return false;
    const pack_elf_dyn *d = (const pack_elf_dyn *)(buf + dp->offset);
    size_t n = dp->filesz / sizeof(*d);
    uint64_t strtab = 0, strsz = 0;
    bool have_strtab = false;
    for (size_t i = 0; i < n && d[i].tag != DT_NULL; i++) {
        if (d[i].tag == DT_STRTAB)
            have_strtab = va_to_off(ei, d[i].val, &strtab);
        else if (d[i].tag == DT_STRSZ)
            strsz = d[i].val;
    }
    if (!have_strtab)
        return n == 0 || d[0].tag == DT_NULL; /* no strings, no names: nothing to load */
    if (strtab > len)
        return false;
    if (!strsz || strsz > len - strtab)
        strsz = len - strtab;
    for (size_t i = 0; i < n && d[i].tag != DT_NULL; i++) {
        int64_t t = d[i].tag;
        if (t != DT_NEEDED && t != DT_RPATH && t != DT_RUNPATH)
            continue;
        if (d[i].val >= strsz)
            return false;
        char *s = file_str(buf, len, strtab + d[i].val, strsz - d[i].val);
        if (!s)
            return false;
        if (t == DT_NEEDED) {
            f->bad_needed |= !sane_name(s);
            if (f->nneeded < ELF_MAX_NEEDED)
                f->needed[f->nneeded++] = s;
            else
                free(s);
        } else if (t == DT_RPATH && !f->rpath) {
            f->rpath = s;
        } else if (t == DT_RUNPATH && !f->runpath) {
            f->runpath = s;
        } else {
            free(s);
        }
    }
    return true;
}

static bool parse(const uint8_t *buf, size_t len, struct elf_facts *f)
{
    static struct elf_info ei; /* 3.6 KiB of program headers: not on the stack of a deep walk */
    const char *why;
    if (len < 64 || buf[4] != 2 || buf[5] != 1) /* ELFCLASS64, little-endian: what ld.so-x86-64 loads */
        return false;
    if (elf_parse(buf, len, len, &ei, &why) != 0)
        return false;
    if (ei.has_interp) {
        f->interp = file_str(buf, len, ei.interp_off, ei.interp_len);
        if (!f->interp)
            return false;
    }
    for (int i = 0; i < ei.phnum; i++)
        if (ei.phdrs[i].type == PT_DYNAMIC)
            return read_dynamic(buf, len, &ei, &ei.phdrs[i], f);
    return true; /* static: no dynamic section */
}

bool elf_facts_read(const char *path, struct elf_facts *f)
{
    memset(f, 0, sizeof(*f));
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    bool ok = false;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 64) {
        void *m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            ok = parse(m, st.st_size, f);
            munmap(m, st.st_size);
        }
    }
    close(fd);
    if (!ok)
        elf_facts_free(f);
    f->elf = ok;
    return ok;
}

void elf_facts_free(struct elf_facts *f)
{
    free(f->interp);
    free(f->rpath);
    free(f->runpath);
    for (int i = 0; i < f->nneeded; i++)
        free(f->needed[i]);
    memset(f, 0, sizeof(*f));
}
