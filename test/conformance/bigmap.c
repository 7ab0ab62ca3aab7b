/* test/conformance/bigmap.c — a huge address-space reservation costs what is mapped in it, not its size:
 * mmap of 64 TiB PROT_NONE (as Go, the JVM and allocators reserve at start-up), then mprotect, madvise, mremap,
 * msync and munmap over all of it, with a few pages touched in between. Each call must answer (under skiff
 * they once walked every page of the range: hours). */
/* covers: mmap munmap mprotect madvise mremap msync */
#include "tap.h"
#include <sys/mman.h>

#define TIB (1ull << 40)

int main(void)
{
    tap_scratch("bigmap");
    for (int round = 0; round < 3; round++) {
        char *p = mmap(NULL, 64 * TIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        T_TRUE("mmap 64 TiB PROT_NONE MAP_NORESERVE", p != MAP_FAILED);
        if (p == MAP_FAILED)
            break;
        T_OK("munmap 64 TiB untouched", munmap(p, 64 * TIB), 0);
    }
    char *p = mmap(NULL, 64 * TIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    T_TRUE("mmap 64 TiB PROT_NONE again", p != MAP_FAILED);
    char *w = p + 32 * TIB, *v = p + 1 * TIB;
    T_OK("mprotect two pages in the middle read-write", mprotect(w, 2 * PAGE, PROT_READ | PROT_WRITE), 0);
    T_OK("mprotect a page near the start read-write", mprotect(v, PAGE, PROT_READ | PROT_WRITE), 0);
    w[0] = 42, w[PAGE] = 43, v[0] = 44;
    T_OK("mprotect all 64 TiB read-only", mprotect(p, 64 * TIB, PROT_READ), 0);
    T_TRUE("mprotect: the touched pages keep their contents", w[0] == 42 && w[PAGE] == 43 && v[0] == 44);
    T_OK("msync all 64 TiB", msync(p, 64 * TIB, MS_ASYNC), 0);
    T_OK("madvise MADV_DONTNEED the upper 32 TiB", madvise(p + 32 * TIB, 32 * TIB, MADV_DONTNEED), 0);
    T_TRUE("madvise MADV_DONTNEED: those pages read as zeros, the others are kept", w[0] == 0 && v[0] == 44);
    char *to = mremap(p, 8 * TIB, 8 * TIB, MREMAP_MAYMOVE | MREMAP_FIXED, p + 48 * TIB);
    T_TRUE("mremap 8 TiB to another place in the reservation", to == p + 48 * TIB);
    T_TRUE("mremap: the page moved with it", to != MAP_FAILED && to[1 * TIB] == 44);
    T_OK("munmap all 64 TiB", munmap(p, 64 * TIB), 0);
    return tap_done();
}
