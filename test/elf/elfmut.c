/* test/elf/elfmut.c — ELF mutants (issue 15): makes a fixed corpus of broken copies of real programs and runs
 * each, printing one line per mutant: its name and what became of it ("exit N", "signal N" or the execve
 * error's name). test/elf/run.sh runs it natively and under skiff and compares the lines: skiff must do what
 * Linux does with every one (load it, refuse it with the same errno, or kill it with the same signal).
 *
 *   elfmut DIR PROGRAM...   mutants are written to DIR (created), then run
 *   elfmut -w DIR PROGRAM...   only write them (a corpus for other tools)
 *
 * The corpus is made here rather than committed: the same code makes it natively and in the guest. */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096ul

static unsigned char *img;   /* the mutant being made */
static size_t img_len;
static const char *dir;

static Elf64_Ehdr *eh(void) { return (Elf64_Ehdr *)img; }
static Elf64_Phdr *ph(int i) { return (Elf64_Phdr *)(img + eh()->e_phoff) + i; }

/* The n-th program header of a type (n = -1: the last one), or NULL. */
static Elf64_Phdr *nth(unsigned type, int n)
{
    Elf64_Phdr *last = NULL;
    for (int i = 0, k = 0; i < eh()->e_phnum; i++) {
        if (ph(i)->p_type != type)
            continue;
        if (k++ == n)
            return ph(i);
        last = ph(i);
    }
    return n < 0 ? last : NULL;
}

#define L(n) nth(PT_LOAD, n)
static int need(void *p) { return p != NULL; }

/* Points PT_INTERP at a string appended to the file. */
static int interp_to(const char *path, size_t len)
{
    Elf64_Phdr *p = nth(PT_INTERP, 0);
    if (!p)
        return 0;
    img = realloc(img, img_len + len);
    memcpy(img + img_len, path, len);
    p = nth(PT_INTERP, 0);
    p->p_offset = img_len, p->p_filesz = len;
    img_len += len;
    return 1;
}

static int interp_path(const char *name)
{
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
    return interp_to(path, n + 1);
}

static void swap(Elf64_Phdr *a, Elf64_Phdr *b) { Elf64_Phdr t = *a; *a = *b; *b = t; }
static void all_loads(void (*f)(Elf64_Phdr *, unsigned long), unsigned long v)
{
    for (int i = 0; L(i); i++)
        f(L(i), v);
}
static void set_align(Elf64_Phdr *p, unsigned long v) { p->p_align = v; }
static void clear_x(Elf64_Phdr *p, unsigned long v) { p->p_flags &= ~(unsigned)v; }
static void to_null(Elf64_Phdr *p, unsigned long v) { p->p_type = (unsigned)v; }
static unsigned long congruent(unsigned long to, unsigned long from) { return (to & ~(PAGE - 1)) | (from & (PAGE - 1)); }

/* Left out on purpose: mutants whose end depends on the host rather than on the kernel: text moved so that
 * garbage runs (QEMU and the host CPU decode some invalid opcodes differently: SIGSEGV against SIGILL), and
 * segments moved below vm.mmap_min_addr (allowed for root only, so the result depends on who runs the test). */
/* One mutation: returns 0 when it does not apply to this program (then nothing is printed). */
static int mutate(int m, const char **name)
{
    Elf64_Phdr *p, *q;
    int k;
#define M(label, cond, ...) case __LINE__: *name = label; if (!(cond)) return 0; __VA_ARGS__; return 1;
    switch (m) {
    M("unchanged", 1, (void)0)
    M("first-two-loads-swapped", need(L(1)), swap(L(0), L(1)))
    M("loads-reversed", need(L(1)), for (k = 0; L(k); k++); for (int i = 0; i < k / 2; i++) swap(L(i), L(k - 1 - i)))
    M("first-load-onto-second", need(L(1)), L(0)->p_vaddr = L(1)->p_vaddr)
    M("first-load-onto-second-congruent", need(L(1)), L(0)->p_vaddr = congruent(L(1)->p_vaddr, L(0)->p_vaddr))
    M("last-load-onto-first-congruent", need(L(1)), L(-1)->p_vaddr = congruent(L(0)->p_vaddr, L(-1)->p_vaddr))
    M("first-load-twice", need(L(1)) && need(nth(PT_NOTE, 0)), *nth(PT_NOTE, 0) = *L(0))
    M("align-0", 1, all_loads(set_align, 0))
    M("align-1", 1, all_loads(set_align, 1))
    M("align-3", 1, all_loads(set_align, 3))
    M("align-2M", 1, all_loads(set_align, 1ul << 21))
    M("paddr-garbage", 1, L(0)->p_paddr = 0xdeadbeef)
    M("last-memsz-huge", 1, L(-1)->p_memsz = 1ul << 47)
    M("last-memsz-wraps", 1, L(-1)->p_memsz = ~0ul)
    M("memsz-below-filesz", L(0)->p_filesz > 0, L(0)->p_memsz = L(0)->p_filesz - 1)
    M("bss-grown", 1, L(-1)->p_memsz += 1 << 20)
    M("last-filesz-past-eof", 1, p = L(-1); p->p_filesz = img_len - p->p_offset + 3 * PAGE;
      if (p->p_memsz < p->p_filesz) p->p_memsz = p->p_filesz)
    M("first-offset-past-eof", 1, L(0)->p_offset += (img_len + PAGE) & ~(PAGE - 1))
    M("first-memsz-0", 1, L(0)->p_filesz = L(0)->p_memsz = 0)
    M("first-vaddr-kernel", 1, L(0)->p_vaddr = congruent(0xffff800000000000ul, L(0)->p_vaddr))
    M("first-vaddr-noncanonical", 1, L(0)->p_vaddr = congruent(0x0000900000000000ul, L(0)->p_vaddr))
    M("first-vaddr-incongruent", 1, L(0)->p_vaddr += 1)
    M("no-exec-rights", 1, all_loads(clear_x, PF_X))
    M("first-load-null", 1, L(0)->p_type = PT_NULL)
    M("no-loads", 1, all_loads(to_null, PT_NULL))
    M("entry-0", 1, eh()->e_entry = 0)
    M("entry-kernel", 1, eh()->e_entry = 0xffffffff81000000ul)
    M("entry-noncanonical", 1, eh()->e_entry = 0x0000800000000000ul)
    M("stack-exec", need(nth(PT_GNU_STACK, 0)), nth(PT_GNU_STACK, 0)->p_flags |= PF_X)
    M("no-gnu-stack", need(nth(PT_GNU_STACK, 0)), nth(PT_GNU_STACK, 0)->p_type = PT_NULL)
    M("class-32", 1, img[EI_CLASS] = ELFCLASS32)
    M("big-endian", 1, img[EI_DATA] = ELFDATA2MSB)
    M("version-0", 1, img[EI_VERSION] = 0)
    M("osabi-arm", 1, img[EI_OSABI] = 97)
    M("machine-386", 1, eh()->e_machine = EM_386)
    M("type-rel", 1, eh()->e_type = ET_REL)
    M("type-core", 1, eh()->e_type = ET_CORE)
    M("phentsize-32", 1, eh()->e_phentsize = 32)
    M("phnum-0", 1, eh()->e_phnum = 0)
    M("phnum-2000", 1, eh()->e_phnum = 2000)
    M("phoff-at-eof", 1, eh()->e_phoff = img_len)
    M("phoff-huge", 1, eh()->e_phoff = ~0ul - 8)
    M("ehsize-0", 1, eh()->e_ehsize = 0)
    M("sections-garbage", 1, eh()->e_shoff = ~0ul, eh()->e_shnum = 0xffff, eh()->e_shstrndx = 0xfff0)
    M("empty-file", 1, img_len = 0)
    M("cut-to-3", 1, img_len = 3)
    M("cut-to-40", 1, img_len = 40)
    M("cut-to-64", 1, img_len = 64)
    M("cut-in-phdrs", 1, img_len = eh()->e_phoff + eh()->e_phnum * sizeof(Elf64_Phdr) - 1)
    M("cut-in-half", 1, img_len /= 2)
    M("cut-last-page", img_len > 2 * PAGE, img_len = (img_len - 1) & ~(PAGE - 1))
    M("interp-garbage", need(nth(PT_INTERP, 0)), p = nth(PT_INTERP, 0); memset(img + p->p_offset, 'A', p->p_filesz))
    M("interp-garbage-nul", need(nth(PT_INTERP, 0)),
      p = nth(PT_INTERP, 0); memset(img + p->p_offset, 'A', p->p_filesz - 1))
    M("interp-size-1", need(nth(PT_INTERP, 0)), nth(PT_INTERP, 0)->p_filesz = 1)
    M("interp-size-5000", need(nth(PT_INTERP, 0)), nth(PT_INTERP, 0)->p_filesz = 5000)
    M("interp-past-eof", need(nth(PT_INTERP, 0)), nth(PT_INTERP, 0)->p_offset = img_len - 4)
    M("interp-empty", need(nth(PT_INTERP, 0)), interp_to("\0", 2))
    M("interp-text-file", interp_path("text"), (void)0)
    M("interp-short-file", interp_path("short"), (void)0)
    M("interp-directory", interp_path("dir"), (void)0)
    M("interp-not-executable", interp_path("noexec"), (void)0)
    M("interp-second-garbage", need(nth(PT_INTERP, 0)) && need(nth(PT_NOTE, 0)),
      q = nth(PT_NOTE, 0); *q = *nth(PT_INTERP, 0); q->p_offset = 0)
    M("interp-added-to-static", !nth(PT_INTERP, 0) && need(nth(PT_NOTE, 0)),
      q = nth(PT_NOTE, 0); q->p_type = PT_INTERP; q->p_offset = 0; q->p_filesz = 4)
    }
    return -1;
#undef M
}

static const char *errname(int e)
{
    switch (e) {
    case ENOEXEC: return "ENOEXEC";
    case EIO: return "EIO";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ELIBBAD: return "ELIBBAD";
    case ENOMEM: return "ENOMEM";
    case EINVAL: return "EINVAL";
    case ENOTDIR: return "ENOTDIR";
    case EFAULT: return "EFAULT";
    default: return "E?";
    }
}

static void run(const char *path, const char *label)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC)) {
        perror("pipe2");
        exit(2);
    }
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0), dup2(null, 1), dup2(null, 2);
        alarm(60); /* a mutant that spins ends with SIGALRM, on Linux and under skiff alike */
        char *argv[] = { (char *)path, NULL }, *envp[] = { NULL };
        execve(path, argv, envp);
        int e = errno;
        write(fds[1], &e, sizeof(e));
        _exit(127);
    }
    close(fds[1]);
    int e = 0, st = 0;
    ssize_t n = read(fds[0], &e, sizeof(e));
    close(fds[0]);
    waitpid(pid, &st, 0);
    if (n == sizeof(e))
        printf("%s %s\n", label, errname(e));
    else if (WIFSIGNALED(st))
        printf("%s signal %d\n", label, WTERMSIG(st));
    else
        printf("%s exit %d\n", label, WEXITSTATUS(st));
    fflush(stdout);
}

static void write_file(const char *path, const void *p, size_t n, int mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, p, n) != (ssize_t)n || close(fd)) {
        perror(path);
        exit(2);
    }
}

static unsigned char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st)) {
        perror(path);
        exit(2);
    }
    unsigned char *b = malloc(st.st_size + 1);
    if (read(fd, b, st.st_size) != st.st_size) {
        perror(path);
        exit(2);
    }
    close(fd);
    *len = st.st_size;
    return b;
}

int main(int argc, char **argv)
{
    int only_write = argc > 1 && !strcmp(argv[1], "-w");
    if (argc < 3 + only_write) {
        fprintf(stderr, "usage: elfmut [-w] DIR PROGRAM...\n");
        return 2;
    }
    dir = argv[1 + only_write];
    mkdir(dir, 0755);
    char path[4096];
    snprintf(path, sizeof(path), "%s/dir", dir);
    mkdir(path, 0755);
    static const char text[] = "this is a text file, long enough to hold an ELF header but not one at all.\n";
    snprintf(path, sizeof(path), "%s/text", dir);
    write_file(path, text, sizeof(text) - 1, 0755);
    snprintf(path, sizeof(path), "%s/short", dir);
    write_file(path, "\177ELF\2\1\1", 7, 0755);
    for (int a = 2 + only_write; a < argc; a++) {
        size_t len;
        unsigned char *orig = slurp(argv[a], &len);
        const char *base = strrchr(argv[a], '/') ? strrchr(argv[a], '/') + 1 : argv[a];
        if (a == 2 + only_write) { /* an interpreter that is a good ELF without the x bit */
            snprintf(path, sizeof(path), "%s/noexec", dir);
            write_file(path, orig, len, 0644);
        }
        for (int m = 0; m < 1000; m++) {
            img = malloc(len + 1);
            memcpy(img, orig, len);
            img_len = len;
            const char *name = NULL;
            int r = mutate(m, &name);
            if (r > 0) {
                char label[256];
                snprintf(label, sizeof(label), "%s:%s", base, name);
                snprintf(path, sizeof(path), "%s/%s-%s", dir, base, name);
                write_file(path, img, img_len, 0755);
                if (!only_write)
                    run(path, label);
            }
            free(img);
        }
        free(orig);
    }
    return 0;
}
