/* test/unit/test_elf.c — elf_parse against real binaries (the demo, a static-PIE, a text file) and against
 * headers broken one field at a time: what Linux refuses before committing (ENOEXEC, EIO) must be refused with
 * that error and a reason; what it loads anyway (class, byte order, overlapping or reordered segments) must be
 * accepted; and elf_check_load must flag every PT_LOAD that cannot be mapped (Linux then kills with SIGSEGV). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../loader/elf.h"
#include "../../kernel/errno.h"

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *len = ftell(f);
    rewind(f);
    unsigned char *buf = malloc(*len);
    if (fread(buf, 1, *len, f) != *len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    return buf;
}

static struct elf_info info;

static int parse(const unsigned char *buf, size_t len, const char **why)
{
    *why = "";
    return elf_parse(buf, len, len, &info, why);
}

/* Applies one corruption to a copy of a good image and expects a refusal. */
static void expect_refused(const unsigned char *good, size_t len, void (*mutate)(unsigned char *), const char *name,
                           int err)
{
    unsigned char *b = malloc(len);
    memcpy(b, good, len);
    mutate(b);
    const char *why;
    int rc = parse(b, len, &why);
    CHECK(rc == err && why && *why, "refuses %s with %d (%d: %s)", name, err, rc, rc ? why : "accepted!");
    free(b);
}

/* Linux loads these: elf_parse accepts them; the first PT_LOAD then passes or fails elf_check_load. */
static void expect_loaded(const unsigned char *good, size_t len, void (*mutate)(unsigned char *), const char *name,
                          bool load_ok)
{
    unsigned char *b = malloc(len);
    memcpy(b, good, len);
    mutate(b);
    const char *why = "";
    int rc = parse(b, len, &why);
    int lrc = 0;
    for (int i = 0; !rc && !lrc && i < info.phnum; i++)
        if (info.phdrs[i].type == PT_LOAD)
            lrc = elf_check_load(&info.phdrs[i], 0, &why);
    CHECK(rc == 0 && (lrc == 0) == load_ok, "accepts %s; its segments %s (%d, %d: %s)", name,
          load_ok ? "map" : "do not map", rc, lrc, why);
    free(b);
}

static Elf64_Ehdr *eh(unsigned char *b) { return (Elf64_Ehdr *)b; }
static Elf64_Phdr *first_load(unsigned char *b)
{
    Elf64_Phdr *ph = (Elf64_Phdr *)(b + eh(b)->phoff);
    for (int i = 0; i < eh(b)->phnum; i++)
        if (ph[i].type == PT_LOAD)
            return &ph[i];
    return NULL;
}
static void bad_magic(unsigned char *b) { b[1] = 'X'; }
static void bad_class(unsigned char *b) { b[4] = 1; }
static void bad_endian(unsigned char *b) { b[5] = 2; }
static void bad_machine(unsigned char *b) { eh(b)->machine = 3; }
static void bad_type(unsigned char *b) { eh(b)->type = 1; }
static void bad_phentsize(unsigned char *b) { eh(b)->phentsize = 32; }
static void bad_phnum(unsigned char *b) { eh(b)->phnum = 0; }
static void bad_phoff(unsigned char *b) { eh(b)->phoff = 0x7fffffffffffffffull; }
static void bad_memsz(unsigned char *b) { Elf64_Phdr *p = first_load(b); p->memsz = p->filesz - 1; }
static void bad_filesz(unsigned char *b) { first_load(b)->filesz = first_load(b)->memsz = 1ull << 40; }
static void bad_vaddr(unsigned char *b) { first_load(b)->vaddr = 0xffff800000000000ull; }
static void bad_congruence(unsigned char *b) { first_load(b)->vaddr += 1; }
static void bad_entry(unsigned char *b) { eh(b)->entry = 0x10; }
static void bad_memsz_wrap(unsigned char *b) { first_load(b)->memsz = ~0ull; }
static void overlapping(unsigned char *b) { first_load(b)[1].vaddr = first_load(b)->vaddr; }
static void reordered(unsigned char *b)
{
    Elf64_Phdr t = first_load(b)[0];
    first_load(b)[0] = first_load(b)[1];
    first_load(b)[1] = t;
}
static void odd_align(unsigned char *b) { first_load(b)->align = 3; }
static void interp_tiny(unsigned char *b) { Elf64_Phdr *p = first_load(b); p->type = PT_INTERP, p->filesz = 1; }
static void interp_outside(unsigned char *b)
{
    Elf64_Phdr *p = first_load(b);
    p->type = PT_INTERP, p->offset = 1ull << 40, p->filesz = 16;
}
static void phnum_huge(unsigned char *b) { eh(b)->phnum = 2000; }

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_elf STATIC STATIC_PIE\n");
        return 2;
    }
    size_t len, plen;
    unsigned char *good = slurp(argv[1], &len), *pie = slurp(argv[2], &plen);
    const char *why = "unreadable";
    /* Each result is computed before CHECK: argument evaluation order would otherwise read a stale why. */
    int rc = good ? parse(good, len, &why) : -1;
    CHECK(rc == 0, "accepts a static ET_EXEC (%s)", why);
    CHECK(info.type == ET_EXEC && !info.has_interp && info.lo >= 0x400000, "ET_EXEC: type, no interpreter, link address");
    CHECK(info.entry >= info.lo && info.entry < info.hi, "entry lies within the loaded span");
    CHECK(info.phdr_vaddr != 0, "program headers located in memory (AT_PHDR)");
    CHECK(!info.exec_stack, "PT_GNU_STACK says the stack is not executable");
    why = "unreadable";
    rc = pie ? parse(pie, plen, &why) : -1;
    CHECK(rc == 0, "accepts a static-PIE ET_DYN (%s)", why);
    CHECK(info.type == ET_DYN && !info.has_interp && info.lo == 0, "static-PIE: ET_DYN at 0, no PT_INTERP");
    const unsigned char text[] = "#!/bin/sh\necho not an elf\n";
    rc = parse(text, sizeof(text), &why);
    CHECK(rc == -ENOEXEC && strstr(why, "not an ELF"), "refuses a text file: %s", why);
    rc = parse(good, 10, &why);
    CHECK(rc == -ENOEXEC, "refuses a truncated header: %s", why);
    rc = elf_parse(good, len, len / 4, &info, &why);
    CHECK(rc == 0, "accepts a file cut short after its headers (Linux: SIGBUS past the end) %s", rc ? why : "");
    expect_refused(good, len, bad_magic, "bad magic", -ENOEXEC);
    expect_refused(good, len, bad_machine, "another machine", -ENOEXEC);
    expect_refused(good, len, bad_type, "a relocatable object", -ENOEXEC);
    expect_refused(good, len, bad_phentsize, "a bad phentsize", -ENOEXEC);
    expect_refused(good, len, bad_phnum, "no program headers", -ENOEXEC);
    expect_refused(good, len, phnum_huge, "2000 program headers", -ENOEXEC);
    expect_refused(good, len, bad_phoff, "program headers past the end", -ENOEXEC);
    expect_refused(good, len, interp_tiny, "a 1-byte PT_INTERP", -ENOEXEC);
    expect_refused(good, len, interp_outside, "a PT_INTERP past the end of the file", -EIO);
    expect_loaded(good, len, bad_class, "the 32-bit class byte (Linux checks the machine only)", true);
    expect_loaded(good, len, bad_endian, "the big-endian byte", true);
    expect_loaded(good, len, overlapping, "overlapping PT_LOADs", true);
    expect_loaded(good, len, reordered, "PT_LOADs out of order", true);
    expect_loaded(good, len, odd_align, "p_align 3", true);
    expect_loaded(good, len, bad_entry, "an entry point outside the segments (it faults when run)", true);
    expect_loaded(good, len, bad_filesz, "a segment past the end of the file (SIGBUS when touched)", true);
    expect_loaded(good, len, bad_memsz, "memsz < filesz", false);
    expect_loaded(good, len, bad_memsz_wrap, "memsz that wraps around", false);
    expect_loaded(good, len, bad_vaddr, "a segment in kernel space", false);
    expect_loaded(good, len, bad_congruence, "offset and address not congruent", false);
    free(good);
    free(pie);
    return unit_done();
}
