/* test/conformance/mempolicy.c — NUMA policies and page migration on a machine of one node (node 0; this
 * host has one, and so does skiff): set_mempolicy(2), get_mempolicy(2), mbind(2), set_mempolicy_home_node(2),
 * migrate_pages(2), move_pages(2). Each mode and mode flag, how a policy reads back (the thread's, an area's,
 * MPOL_F_NODE, MPOL_F_ADDR, MPOL_F_MEMS_ALLOWED), fork passing it on, the nodemask/maxnode rules (maxnode - 1
 * bits, a page at most, nothing past MAX_NUMNODES, the bytes get_mempolicy writes), move_pages' statuses,
 * and the errnos (EINVAL, EFAULT, ENOENT, EOPNOTSUPP, ENODEV, ESRCH, EPERM). */
/* covers: set_mempolicy get_mempolicy mbind set_mempolicy_home_node migrate_pages move_pages */
#include "tap.h"
#include <sys/mman.h>

#ifndef SYS_set_mempolicy_home_node
#define SYS_set_mempolicy_home_node 450
#endif
#define M_DEFAULT 0
#define M_PREFERRED 1
#define M_BIND 2
#define M_INTERLEAVE 3
#define M_LOCAL 4
#define M_PREFERRED_MANY 5
#define M_WEIGHTED_INTERLEAVE 6
#define F_STATIC (1 << 15)
#define F_RELATIVE (1 << 14)
#define F_BALANCING (1 << 13)
#define G_NODE 1
#define G_ADDR 2
#define G_MEMS 4
#define MF_STRICT 1
#define MF_MOVE 2
#define MF_MOVE_ALL 4

static unsigned long zero = 0, one = 1, two = 2, three = 3;
static long setp(int mode, const unsigned long *m, unsigned long maxnode)
{
    return SYS(SYS_set_mempolicy, mode, m, maxnode);
}
static int gmode;
static unsigned long gmask[4];
static long getp(unsigned long flags, void *addr)
{
    gmode = -99;
    gmask[0] = gmask[1] = 0xdead;
    return SYS(SYS_get_mempolicy, &gmode, gmask, 128, addr, flags);
}
static long mbind_(void *a, size_t len, int mode, const unsigned long *m, unsigned long maxnode, unsigned flags)
{
    return SYS(SYS_mbind, a, len, mode, m, maxnode, flags);
}
static long home(void *a, size_t len, unsigned long node, unsigned long flags)
{
    return SYS(SYS_set_mempolicy_home_node, a, len, node, flags);
}

/* set_mempolicy then get_mempolicy: what reads back */
static void check_mode(const char *name, int mode, const unsigned long *m, unsigned long maxnode, int want_mode,
                       unsigned long want_mask)
{
    char n[200];
    snprintf(n, sizeof n, "set_mempolicy %s", name);
    T_OK(n, setp(mode, m, maxnode), 0);
    getp(0, NULL);
    snprintf(n, sizeof n, "get_mempolicy after %s: mode", name);
    T_EQ(n, gmode, want_mode);
    snprintf(n, sizeof n, "get_mempolicy after %s: nodemask", name);
    T_EQ(n, gmask[0], want_mask);
}

static void test_set(void)
{
    T_OK("get_mempolicy a new process: MPOL_DEFAULT", getp(0, NULL), 0);
    T_TRUE("get_mempolicy MPOL_DEFAULT: mode 0, no nodes, the rest of the mask cleared",
           gmode == 0 && gmask[0] == 0 && gmask[1] == 0);
    check_mode("MPOL_PREFERRED node 0", M_PREFERRED, &one, 2, M_PREFERRED, 1);
    check_mode("MPOL_PREFERRED without nodes is MPOL_LOCAL", M_PREFERRED, NULL, 0, M_LOCAL, 0);
    check_mode("MPOL_BIND node 0", M_BIND, &one, 2, M_BIND, 1);
    check_mode("MPOL_BIND nodes 0-1: the nodes there are", M_BIND, &three, 3, M_BIND, 1);
    check_mode("MPOL_BIND|MPOL_F_STATIC_NODES keeps the user's nodes", M_BIND | F_STATIC, &three, 3,
               M_BIND | F_STATIC, 3);
    check_mode("MPOL_BIND|MPOL_F_RELATIVE_NODES keeps the user's nodes", M_BIND | F_RELATIVE, &three, 3,
               M_BIND | F_RELATIVE, 3);
    check_mode("MPOL_BIND|MPOL_F_NUMA_BALANCING", M_BIND | F_BALANCING, &one, 2, M_BIND | F_BALANCING, 1);
    check_mode("MPOL_INTERLEAVE node 0", M_INTERLEAVE, &one, 2, M_INTERLEAVE, 1);
    T_OK("get_mempolicy MPOL_F_NODE under MPOL_INTERLEAVE", getp(G_NODE, NULL), 0);
    T_EQ("get_mempolicy MPOL_F_NODE: the next interleave node", gmode, 0);
    check_mode("MPOL_LOCAL", M_LOCAL, NULL, 0, M_LOCAL, 0);
    check_mode("MPOL_PREFERRED_MANY node 0", M_PREFERRED_MANY, &one, 2, M_PREFERRED_MANY, 1);
    check_mode("MPOL_PREFERRED_MANY|MPOL_F_NUMA_BALANCING", M_PREFERRED_MANY | F_BALANCING, &one, 2,
               M_PREFERRED_MANY | F_BALANCING, 1);
    check_mode("MPOL_WEIGHTED_INTERLEAVE node 0", M_WEIGHTED_INTERLEAVE, &one, 2, M_WEIGHTED_INTERLEAVE, 1);
    T_OK("get_mempolicy MPOL_F_NODE under MPOL_WEIGHTED_INTERLEAVE", getp(G_NODE, NULL), 0);
    check_mode("MPOL_DEFAULT", M_DEFAULT, NULL, 0, M_DEFAULT, 0);
    check_mode("MPOL_DEFAULT with an empty mask", M_DEFAULT, &zero, 64, M_DEFAULT, 0);
    T_ERR("get_mempolicy MPOL_F_NODE under MPOL_DEFAULT", getp(G_NODE, NULL), EINVAL);
    setp(M_BIND, &one, 2);
    T_ERR("get_mempolicy MPOL_F_NODE under MPOL_BIND", getp(G_NODE, NULL), EINVAL);
    T_ERR("set_mempolicy MPOL_DEFAULT with a node", setp(M_DEFAULT, &one, 2), EINVAL);
    T_ERR("set_mempolicy MPOL_PREFERRED|MPOL_F_STATIC_NODES without nodes", setp(M_PREFERRED | F_STATIC, NULL, 0),
          EINVAL);
    T_ERR("set_mempolicy MPOL_BIND without nodes", setp(M_BIND, NULL, 0), EINVAL);
    T_ERR("set_mempolicy MPOL_BIND node 1 only", setp(M_BIND, &two, 3), EINVAL);
    T_ERR("set_mempolicy MPOL_F_STATIC_NODES|MPOL_F_RELATIVE_NODES", setp(M_BIND | F_STATIC | F_RELATIVE, &one, 2),
          EINVAL);
    T_ERR("set_mempolicy MPOL_PREFERRED|MPOL_F_NUMA_BALANCING", setp(M_PREFERRED | F_BALANCING, &one, 2), EINVAL);
    T_ERR("set_mempolicy MPOL_INTERLEAVE|MPOL_F_NUMA_BALANCING", setp(M_INTERLEAVE | F_BALANCING, &one, 2), EINVAL);
    T_ERR("set_mempolicy MPOL_LOCAL with a node", setp(M_LOCAL, &one, 2), EINVAL);
    T_ERR("set_mempolicy MPOL_LOCAL|MPOL_F_STATIC_NODES", setp(M_LOCAL | F_STATIC, NULL, 0), EINVAL);
    T_ERR("set_mempolicy MPOL_PREFERRED_MANY without nodes", setp(M_PREFERRED_MANY, NULL, 0), EINVAL);
    T_ERR("set_mempolicy mode 7", setp(7, &one, 2), EINVAL);
    T_ERR("set_mempolicy mode -1", setp(-1, &one, 2), EINVAL);
    T_ERR("set_mempolicy an unknown flag 0x1000", setp(M_BIND | 0x1000, &one, 2), EINVAL);
    T_ERR("set_mempolicy a bad nodemask", setp(M_BIND, BADUPTR, 2), EFAULT);
    T_ERR("set_mempolicy a bad mode before a bad nodemask", setp(9, BADUPTR, 2), EINVAL);
    T_ERR("set_mempolicy maxnode 1: no nodes", setp(M_BIND, &one, 1), EINVAL);
    T_ERR("set_mempolicy maxnode 0 with a mask", setp(M_DEFAULT, &zero, 0), EINVAL);
    T_OK("set_mempolicy maxnode 0 without a mask", setp(M_DEFAULT, NULL, 0), 0);
    static unsigned long big[1024];
    big[0] = 1;
    T_OK("set_mempolicy maxnode 32769 (a page of bits)", setp(M_BIND, big, 32769), 0);
    T_ERR("set_mempolicy maxnode 32833 (more than a page)", setp(M_BIND, big, 32833), EINVAL);
    big[20] = 1; /* node 1280, past MAX_NUMNODES */
    T_ERR("set_mempolicy a node past MAX_NUMNODES", setp(M_BIND, big, 2000), EINVAL);
    T_OK("set_mempolicy such a node past maxnode - 1 is not looked at", setp(M_BIND, big, 1281), 0);
    big[20] = 0;
    big[15] = 1ul << 63; /* node 1023: within MAX_NUMNODES, not online */
    T_OK("set_mempolicy node 1023 besides node 0", setp(M_BIND, big, 1025), 0);
    big[0] = 0;
    T_ERR("set_mempolicy node 1023 alone", setp(M_BIND, big, 1025), EINVAL);
    T_ERR("set_mempolicy node 63 alone", setp(M_BIND, &(unsigned long){ 1ul << 63 }, 65), EINVAL);
    setp(M_DEFAULT, NULL, 0);
}

static void test_get(char *m)
{
    unsigned long nm[3];
    setp(M_PREFERRED, &one, 2);
    for (int mx = 1; mx <= 130; mx += 64) {
        char n[100];
        nm[0] = nm[1] = nm[2] = 0xdead;
        snprintf(n, sizeof n, "get_mempolicy maxnode %d", mx);
        T_OK(n, SYS(SYS_get_mempolicy, &gmode, nm, mx, 0, 0), 0);
        snprintf(n, sizeof n, "get_mempolicy maxnode %d: the words written", mx);
        T_TRUE(n, mx == 1 ? nm[0] == 0xdead : mx == 65 ? nm[0] == 1 && nm[1] == 0xdead
                                                         : nm[0] == 1 && nm[1] == 0 && nm[2] == 0xdead);
    }
    T_ERR("get_mempolicy maxnode 0 with a mask", SYS(SYS_get_mempolicy, &gmode, nm, 0, 0, 0), EINVAL);
    T_ERR("get_mempolicy maxnode past a page", SYS(SYS_get_mempolicy, &gmode, nm, 32833, 0, 0), EINVAL);
    T_OK("get_mempolicy neither mode nor mask", SYS(SYS_get_mempolicy, NULL, NULL, 0, 0, 0), 0);
    T_ERR("get_mempolicy a bad mode pointer", SYS(SYS_get_mempolicy, BADUPTR, NULL, 0, 0, 0), EFAULT);
    T_ERR("get_mempolicy a bad mask pointer", SYS(SYS_get_mempolicy, &gmode, BADUPTR, 64, 0, 0), EFAULT);
    T_ERR("get_mempolicy flags 8", getp(8, NULL), EINVAL);
    T_OK("get_mempolicy MPOL_F_MEMS_ALLOWED", getp(G_MEMS, NULL), 0);
    T_TRUE("get_mempolicy MPOL_F_MEMS_ALLOWED: node 0, mode 0", gmode == 0 && gmask[0] == 1 && gmask[1] == 0);
    char status[8192], *ms;
    T_TRUE("get_mempolicy /proc/self/status Mems_allowed: node 0 of 1024, as MPOL_F_MEMS_ALLOWED says",
           tap_read_file("/proc/self/status", status, sizeof status) > 0 && (ms = strstr(status, "Mems_allowed:\t")) &&
           strlen(ms) > 14 + 32 * 9 && !strncmp(ms + 14 + 31 * 9, "00000001\nMems_allowed_list:\t0\n", 30));
    T_ERR("get_mempolicy MPOL_F_MEMS_ALLOWED|MPOL_F_NODE", getp(G_MEMS | G_NODE, NULL), EINVAL);
    T_ERR("get_mempolicy MPOL_F_MEMS_ALLOWED|MPOL_F_ADDR", getp(G_MEMS | G_ADDR, NULL), EINVAL);
    T_ERR("get_mempolicy an address without MPOL_F_ADDR", getp(0, m), EINVAL);
    T_OK("get_mempolicy MPOL_F_ADDR of an area without a policy", getp(G_ADDR, m + 1), 0);
    T_TRUE("get_mempolicy such an area: MPOL_DEFAULT, not the thread's", gmode == 0 && gmask[0] == 0);
    T_ERR("get_mempolicy MPOL_F_ADDR unmapped", getp(G_ADDR, BADUPTR), EFAULT);
    T_OK("get_mempolicy MPOL_F_NODE|MPOL_F_ADDR", getp(G_NODE | G_ADDR, m), 0);
    T_EQ("get_mempolicy MPOL_F_NODE|MPOL_F_ADDR: node 0", gmode, 0);
    setp(M_DEFAULT, NULL, 0);
}

static void test_mbind(char *m)
{
    T_OK("mbind MPOL_BIND one page", mbind_(m, PAGE, M_BIND, &one, 2, 0), 0);
    getp(G_ADDR, m);
    T_TRUE("get_mempolicy MPOL_F_ADDR: the page's MPOL_BIND", gmode == M_BIND && gmask[0] == 1);
    getp(G_ADDR, m + PAGE);
    T_TRUE("get_mempolicy MPOL_F_ADDR: the next page has none", gmode == 0 && gmask[0] == 0);
    getp(0, NULL);
    T_EQ("get_mempolicy the thread's policy is unchanged", gmode, 0);
    T_OK("mbind MPOL_INTERLEAVE nodes 0-1", mbind_(m + PAGE, PAGE, M_INTERLEAVE, &three, 3, 0), 0);
    getp(G_ADDR, m + PAGE);
    T_TRUE("get_mempolicy MPOL_F_ADDR: MPOL_INTERLEAVE node 0", gmode == M_INTERLEAVE && gmask[0] == 1);
    T_OK("mbind MPOL_BIND|MPOL_F_STATIC_NODES", mbind_(m + 2 * PAGE, PAGE, M_BIND | F_STATIC, &three, 3, 0), 0);
    getp(G_ADDR, m + 2 * PAGE);
    T_TRUE("get_mempolicy MPOL_F_ADDR: the static nodes", gmode == (M_BIND | F_STATIC) && gmask[0] == 3);
    T_OK("mbind MPOL_PREFERRED without nodes", mbind_(m + 3 * PAGE, PAGE, M_PREFERRED, NULL, 0, 0), 0);
    getp(G_ADDR, m + 3 * PAGE);
    T_EQ("get_mempolicy MPOL_F_ADDR: MPOL_LOCAL", gmode, M_LOCAL);
    T_OK("mbind MPOL_PREFERRED_MANY", mbind_(m + 4 * PAGE, PAGE, M_PREFERRED_MANY, &one, 2, 0), 0);
    T_OK("mbind MPOL_MF_STRICT|MPOL_MF_MOVE|MPOL_MF_MOVE_ALL as root",
         mbind_(m + 5 * PAGE, PAGE, M_BIND | F_BALANCING, &one, 2, MF_STRICT | MF_MOVE | MF_MOVE_ALL), 0);
    getp(G_ADDR, m + 5 * PAGE);
    T_EQ("get_mempolicy MPOL_F_ADDR: MPOL_F_NUMA_BALANCING kept", gmode, M_BIND | F_BALANCING);
    T_OK("mbind MPOL_DEFAULT|MPOL_MF_STRICT clears it", mbind_(m + 5 * PAGE, PAGE, M_DEFAULT, NULL, 0, MF_STRICT), 0);
    getp(G_ADDR, m + 5 * PAGE);
    T_EQ("get_mempolicy MPOL_F_ADDR: back to MPOL_DEFAULT", gmode, 0);
    T_OK("mbind length 0", mbind_(m, 0, M_BIND, &one, 2, 0), 0);
    T_OK("mbind length 0 with a mode that needs nodes", mbind_(m, 0, M_BIND, NULL, 0, 0), 0);
    T_ERR("mbind unaligned", mbind_(m + 1, PAGE, M_BIND, &one, 2, 0), EINVAL);
    T_ERR("mbind flags 8", mbind_(m, PAGE, M_BIND, &one, 2, 8), EINVAL);
    T_ERR("mbind a range that wraps", mbind_(m, -PAGE, M_BIND, &one, 2, 0), EINVAL);
    T_ERR("mbind unmapped", mbind_(BADUPTR, PAGE, M_BIND, &one, 2, 0), EFAULT);
    T_ERR("mbind MPOL_DEFAULT with a node", mbind_(m, PAGE, M_DEFAULT, &one, 2, 0), EINVAL);
    T_ERR("mbind MPOL_BIND without nodes", mbind_(m, PAGE, M_BIND, NULL, 0, 0), EINVAL);
    T_ERR("mbind MPOL_BIND node 1", mbind_(m, PAGE, M_BIND, &two, 3, 0), EINVAL);
    T_ERR("mbind MPOL_LOCAL with a node", mbind_(m, PAGE, M_LOCAL, &one, 2, 0), EINVAL);
    T_OK("mbind MPOL_LOCAL with an empty mask", mbind_(m + 6 * PAGE, PAGE, M_LOCAL, &zero, 2, 0), 0);
    T_ERR("mbind mode 7", mbind_(m, PAGE, 7, &one, 2, 0), EINVAL);
    T_ERR("mbind MPOL_INTERLEAVE|MPOL_F_NUMA_BALANCING", mbind_(m, PAGE, M_INTERLEAVE | F_BALANCING, &one, 2, 0),
          EINVAL);
    T_ERR("mbind a bad nodemask", mbind_(m, PAGE, M_BIND, BADUPTR, 3, 0), EFAULT);
    T_ERR("mbind maxnode past a page", mbind_(m, PAGE, M_BIND, &one, 40000, 0), EINVAL);
    getp(G_ADDR, m);
    T_EQ("get_mempolicy MPOL_F_ADDR: failed calls changed nothing", gmode, M_BIND);
    T_OK("get_mempolicy MPOL_F_NODE|MPOL_F_ADDR on an interleaved page", getp(G_NODE | G_ADDR, m + PAGE), 0);
}

static void test_home(char *m)
{
    /* m: BIND, m+1: INTERLEAVE, m+2: BIND (static), m+3: LOCAL, m+4: PREFERRED_MANY, m+5: none, m+6: LOCAL,
     * m+7: none */
    T_OK("set_mempolicy_home_node an MPOL_BIND area", home(m, PAGE, 0, 0), 0);
    T_OK("set_mempolicy_home_node an MPOL_PREFERRED_MANY area", home(m + 4 * PAGE, PAGE, 0, 0), 0);
    T_ERR("set_mempolicy_home_node an MPOL_INTERLEAVE area", home(m + PAGE, PAGE, 0, 0), EOPNOTSUPP);
    T_ERR("set_mempolicy_home_node an area without a policy", home(m + 7 * PAGE, PAGE, 0, 0), ENOENT);
    T_OK("set_mempolicy_home_node an area with MPOL_PREFERRED_MANY and one without",
         home(m + 4 * PAGE, 2 * PAGE, 0, 0), 0);
    T_ERR("set_mempolicy_home_node then one with MPOL_LOCAL", home(m + 4 * PAGE, 3 * PAGE, 0, 0), EOPNOTSUPP);
    T_ERR("set_mempolicy_home_node unmapped", home(BADUPTR, PAGE, 0, 0), ENOENT);
    T_OK("set_mempolicy_home_node length 0", home(m + 7 * PAGE, 0, 0, 0), 0);
    T_ERR("set_mempolicy_home_node flags 1", home(m, PAGE, 0, 1), EINVAL);
    T_ERR("set_mempolicy_home_node node 1", home(m, PAGE, 1, 0), EINVAL);
    T_ERR("set_mempolicy_home_node node 1024", home(m, PAGE, 1024, 0), EINVAL);
    T_ERR("set_mempolicy_home_node node -1", home(m, PAGE, -1ul, 0), EINVAL);
    T_ERR("set_mempolicy_home_node unaligned", home(m + 1, PAGE, 0, 0), EINVAL);
}

static void test_migrate(char *m)
{
    T_OK("migrate_pages node 0 to node 0", SYS(SYS_migrate_pages, 0, 2, &one, &one), 0);
    T_OK("migrate_pages by pid", SYS(SYS_migrate_pages, getpid(), 2, &one, &one), 0);
    T_OK("migrate_pages from node 1", SYS(SYS_migrate_pages, 0, 3, &two, &one), 0);
    T_OK("migrate_pages from no nodes", SYS(SYS_migrate_pages, 0, 2, &zero, &one), 0);
    T_ERR("migrate_pages to node 1", SYS(SYS_migrate_pages, 0, 3, &one, &two), EINVAL);
    T_ERR("migrate_pages to no nodes", SYS(SYS_migrate_pages, 0, 2, &one, &zero), EINVAL);
    T_ERR("migrate_pages maxnode 0", SYS(SYS_migrate_pages, 0, 0, &one, &one), EINVAL);
    T_ERR("migrate_pages maxnode past a page", SYS(SYS_migrate_pages, 0, 40000, &one, &one), EINVAL);
    T_ERR("migrate_pages a bad old mask", SYS(SYS_migrate_pages, 0, 2, BADUPTR, &one), EFAULT);
    T_ERR("migrate_pages a bad new mask", SYS(SYS_migrate_pages, 0, 2, &one, BADUPTR), EFAULT);
    T_ERR("migrate_pages no such process", SYS(SYS_migrate_pages, 0x3ffffff0, 2, &one, &one), ESRCH);
    T_ERR("migrate_pages pid -1", SYS(SYS_migrate_pages, -1, 2, &one, &one), ESRCH);
    m[3 * PAGE] = 1;
    m[0] = 1;
    void *pg[4] = { m, m + 6 * PAGE, BADUPTR, m + 3 * PAGE };
    int nodes[4] = { 0, 0, 0, 0 }, st[4] = { 9, 9, 9, 9 };
    T_OK("move_pages without nodes: where the pages are", SYS(SYS_move_pages, 0, 4, pg, NULL, st, 0), 0);
    T_TRUE("move_pages statuses: node 0, ENOENT (never touched), EFAULT (unmapped), node 0",
           st[0] == 0 && st[1] == -ENOENT && st[2] == -EFAULT && st[3] == 0);
    memset(st, 9, sizeof st);
    T_OK("move_pages MPOL_MF_MOVE to node 0", SYS(SYS_move_pages, 0, 4, pg, nodes, st, MF_MOVE), 0);
    T_TRUE("move_pages statuses after a move", st[0] == 0 && st[1] == -ENOENT && st[2] == -EFAULT && st[3] == 0);
    memset(st, 9, sizeof st);
    nodes[1] = 1;
    T_ERR("move_pages to node 1", SYS(SYS_move_pages, 0, 4, pg, nodes, st, MF_MOVE), ENODEV);
    T_TRUE("move_pages to node 1: the status before it written, none after",
           st[0] == 0 && st[1] == 0x09090909 && st[3] == 0x09090909);
    nodes[1] = -1;
    T_ERR("move_pages to node -1", SYS(SYS_move_pages, 0, 4, pg, nodes, st, MF_MOVE), ENODEV);
    nodes[1] = 5000;
    T_ERR("move_pages to node 5000", SYS(SYS_move_pages, 0, 4, pg, nodes, st, MF_MOVE), ENODEV);
    nodes[1] = 0;
    T_OK("move_pages MPOL_MF_MOVE_ALL as root", SYS(SYS_move_pages, 0, 4, pg, nodes, st, MF_MOVE_ALL), 0);
    T_ERR("move_pages MPOL_MF_STRICT", SYS(SYS_move_pages, 0, 4, pg, nodes, st, MF_STRICT), EINVAL);
    T_ERR("move_pages flags 8", SYS(SYS_move_pages, 0, 4, pg, nodes, st, 8), EINVAL);
    T_OK("move_pages count 0", SYS(SYS_move_pages, 0, 0, pg, nodes, st, 0), 0);
    T_OK("move_pages by pid", SYS(SYS_move_pages, getpid(), 1, pg, NULL, st, 0), 0);
    T_ERR("move_pages no such process", SYS(SYS_move_pages, 0x3ffffff0, 1, pg, NULL, st, 0), ESRCH);
    T_ERR("move_pages a bad page array", SYS(SYS_move_pages, 0, 4, BADUPTR, NULL, st, 0), EFAULT);
    T_ERR("move_pages a bad node array", SYS(SYS_move_pages, 0, 4, pg, BADUPTR, st, 0), EFAULT);
    T_ERR("move_pages a bad status array", SYS(SYS_move_pages, 0, 4, pg, NULL, BADUPTR, 0), EFAULT);
    void *k[1] = { KADDR };
    T_OK("move_pages a kernel address", SYS(SYS_move_pages, 0, 1, k, NULL, st, 0), 0);
    T_EQ("move_pages a kernel address: EFAULT status", st[0], -EFAULT);
}

static char *area;
static int child_sees(void)
{
    int mode = -1;
    unsigned long nm = 0;
    if (SYS(SYS_get_mempolicy, &mode, &nm, 64, 0, 0) || mode != M_PREFERRED_MANY || nm != 1)
        return 1;
    if (SYS(SYS_get_mempolicy, &mode, &nm, 64, area, G_ADDR) || mode != M_BIND)
        return 2;
    return 0;
}

static void nobody(void)
{
    if (setuid(65534))
        return;
    T_ERR("mbind MPOL_MF_MOVE_ALL without CAP_SYS_NICE", mbind_(area, PAGE, M_BIND, &one, 2, MF_MOVE_ALL), EPERM);
    int st;
    void *pg[1] = { area };
    T_ERR("move_pages MPOL_MF_MOVE_ALL without CAP_SYS_NICE", SYS(SYS_move_pages, 0, 1, pg, NULL, &st, MF_MOVE_ALL),
          EPERM);
    T_ERR("move_pages another user's process", SYS(SYS_move_pages, 1, 1, pg, NULL, &st, 0), EPERM);
    T_ERR("migrate_pages another user's process", SYS(SYS_migrate_pages, 1, 2, &one, &one), EPERM);
    T_OK("mbind MPOL_MF_MOVE as nobody", mbind_(area, PAGE, M_BIND, &one, 2, MF_MOVE), 0);
}

int main(void)
{
    char *m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    area = m;
    test_set();
    test_get(m);
    test_mbind(m);
    test_home(m);
    test_migrate(m);
    setp(M_PREFERRED_MANY, &one, 2);
    T_EQ("set_mempolicy a fork child keeps the thread's and the areas' policies", tap_child(child_sees), 0);
    setp(M_DEFAULT, NULL, 0);
    tap_in_child(nobody);
    return tap_done();
}
