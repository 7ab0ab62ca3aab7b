/* test/progs/majflt.c — majflt FILE: maps FILE privately read-only and reads one byte of every page, twice
 * (two mappings, one after the other), and prints how many major and minor page faults getrusage counted for
 * each pass: "pass1 MAJ MIN" and "pass2 MAJ MIN". For a file on a 9P volume that the guest has not read yet,
 * the first pass's faults read the pages from the host (major), the second finds them in memory (minor);
 * test/guest/run.sh t_majflt checks that. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int pass(int fd, size_t len, const char *name)
{
    struct rusage a, b;
    volatile char sink = 0;
    getrusage(RUSAGE_SELF, &a);
    char *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
        return 1;
    for (size_t i = 0; i < len; i += 4096)
        sink += m[i];
    getrusage(RUSAGE_SELF, &b);
    munmap(m, len);
    printf("%s %ld %ld\n", name, b.ru_majflt - a.ru_majflt, b.ru_minflt - a.ru_minflt);
    (void)sink;
    return 0;
}

int main(int argc, char **argv)
{
    struct stat st;
    int fd = argc > 1 ? open(argv[1], O_RDONLY) : -1;
    if (fd < 0 || fstat(fd, &st) || st.st_size == 0) {
        fprintf(stderr, "usage: majflt FILE (non-empty)\n");
        return 2;
    }
    return pass(fd, (size_t)st.st_size, "pass1") || pass(fd, (size_t)st.st_size, "pass2");
}
