/* test/conformance/pkey.c — memory protection keys: pkey_alloc(2), pkey_free(2), pkey_mprotect(2). What a
 * kernel answers follows the CPUID the program sees: OSPKE (leaf 7, ECX bit 4) says the kernel turned keys on.
 * Without it (this host has no PKU; skiff leaves CR4.PKE off) Linux's first pkey_alloc in an address space is
 * EINVAL and every later one ENOSPC (fork passes that on, execve starts afresh), pkey_free is EINVAL, and
 * pkey_mprotect is mprotect for key -1 and EINVAL for any other. With OSPKE keys 1..15 are handed out. */
/* covers: pkey_alloc pkey_free pkey_mprotect */
#include "tap.h"
#include <cpuid.h>
#include <signal.h>
#include <sys/mman.h>

static long palloc(unsigned flags, unsigned init) { return SYS(SYS_pkey_alloc, flags, init); }
static long pfree(int key) { return SYS(SYS_pkey_free, key); }
static long pmprot(void *a, size_t len, int prot, int key) { return SYS(SYS_pkey_mprotect, a, len, prot, key); }

static int ospke(void)
{
    unsigned a, b, c, d;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1u << 4));
}

static char *page;
static int write_page(void)
{
    page[0] = 1;
    return 0;
}

static int first_alloc_einval(void) { return palloc(0, 0) == -1 && errno == EINVAL ? 0 : 1; }
static int alloc_enospc(void) { return palloc(0, 0) == -1 && errno == ENOSPC ? 0 : 1; }

static void test_mprotect(void)
{
    page = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    T_OK("pkey_mprotect key -1 is mprotect", pmprot(page, PAGE, PROT_READ, -1), 0);
    T_EQ("pkey_mprotect key -1: a write faults", tap_child(write_page), 1000 + SIGSEGV);
    T_OK("pkey_mprotect key -1 back to read-write", pmprot(page, PAGE, PROT_READ | PROT_WRITE, -1), 0);
    T_EQ("pkey_mprotect key -1: a write works", tap_child(write_page), 0);
    T_ERR("pkey_mprotect key -1 unaligned", pmprot(page + 1, PAGE, PROT_READ, -1), EINVAL);
    T_ERR("pkey_mprotect key -1 unmapped", pmprot(BADUPTR, PAGE, PROT_READ, -1), ENOMEM);
    T_ERR("pkey_mprotect key -1 bad prot", pmprot(page, PAGE, 0x100, -1), EINVAL);
    T_ERR("pkey_mprotect key -2", pmprot(page, PAGE, PROT_READ, -2), EINVAL);
    T_ERR("pkey_mprotect key 16", pmprot(page, PAGE, PROT_READ, 16), EINVAL);
    T_ERR("pkey_mprotect a key not allocated", pmprot(page, PAGE, PROT_READ, 5), EINVAL);
    T_ERR("pkey_mprotect a key not allocated, unaligned", pmprot(page + 1, PAGE, PROT_READ, 5), EINVAL);
}

static void test_without(void)
{
    T_ERR("pkey_alloc flags 1", palloc(1, 0), EINVAL);
    T_ERR("pkey_alloc init_val 4", palloc(0, 4), EINVAL);
    T_ERR("pkey_alloc init_val -1", palloc(0, -1), EINVAL);
    T_ERR("pkey_free key 0 before any pkey_alloc", pfree(0), EINVAL);
    T_ERR("pkey_mprotect key 0 before any pkey_alloc", pmprot(page, PAGE, PROT_READ, 0), EINVAL);
    T_EQ("pkey_alloc a fork child's first call -> EINVAL", tap_child(first_alloc_einval), 0);
    T_ERR("pkey_alloc the first call without OSPKE", palloc(0, 0), EINVAL);
    T_ERR("pkey_alloc the next call without OSPKE", palloc(0, 0), ENOSPC);
    T_ERR("pkey_alloc PKEY_DISABLE_WRITE", palloc(0, 2), ENOSPC);
    T_ERR("pkey_alloc flags checked before ENOSPC", palloc(2, 0), EINVAL);
    T_EQ("pkey_alloc a fork child after the first call -> ENOSPC", tap_child(alloc_enospc), 0);
    T_ERR("pkey_free key 0", pfree(0), EINVAL);
    T_ERR("pkey_free key 1", pfree(1), EINVAL);
    T_ERR("pkey_free key -1", pfree(-1), EINVAL);
    T_ERR("pkey_free key 16", pfree(16), EINVAL);
    T_ERR("pkey_mprotect key 0", pmprot(page, PAGE, PROT_READ, 0), EINVAL);
    T_ERR("pkey_mprotect key 1", pmprot(page, PAGE, PROT_READ, 1), EINVAL);
    T_OK("pkey_mprotect key 1 and length 0", pmprot(page, 0, PROT_READ, 1), 0);
    T_ERR("pkey_mprotect key 1 and a range that wraps", pmprot(page, -PAGE, PROT_READ, 1), ENOMEM);
    T_ERR("pkey_mprotect key 1 on unmapped memory", pmprot(BADUPTR, PAGE, PROT_READ, 1), EINVAL);
}

static void test_with(void)
{
    T_ERR("pkey_alloc flags 1", palloc(1, 0), EINVAL);
    T_ERR("pkey_alloc init_val 4", palloc(0, 4), EINVAL);
    long k = palloc(0, 0);
    T_TRUE("pkey_alloc a key 1..15", k >= 1 && k <= 15);
    T_OK("pkey_mprotect the key", pmprot(page, PAGE, PROT_READ | PROT_WRITE, (int)k), 0);
    T_OK("pkey_mprotect key 0", pmprot(page, PAGE, PROT_READ | PROT_WRITE, 0), 0);
    T_OK("pkey_free the key", pfree((int)k), 0);
    T_ERR("pkey_free it again", pfree((int)k), EINVAL);
    T_ERR("pkey_free key 16", pfree(16), EINVAL);
    T_ERR("pkey_mprotect a freed key", pmprot(page, PAGE, PROT_READ, (int)k), EINVAL);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "exec")) /* after execve: an address space of its own */
        return first_alloc_einval();
    test_mprotect();
    if (!ospke()) {
        test_without();
        fflush(stdout);
        pid_t c = fork();
        if (c == 0) {
            execl("/proc/self/exe", argv[0], "exec", (char *)NULL);
            _exit(2);
        }
        int st = -1;
        waitpid(c, &st, 0);
        T_EQ("pkey_alloc after execve the first call -> EINVAL again", st, 0);
    } else {
        test_with();
    }
    return tap_done();
}
