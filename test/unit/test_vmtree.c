/* test/unit/test_vmtree.c — kernel/vm_tree.c on the host: random inserts and removals of non-overlapping areas,
 * after each of which the list is sorted and linked both ways, the tree is an AVL tree over the same areas with
 * right parent links, heights and largest gaps, and every query (the first area past an address, the highest
 * free range of a size below a top) answers what a plain walk over a model of the address space answers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "unit.h"
#include "../../kernel/mm.h"

#define SLOTS 512 /* the model: slot i is the page range [i, i + 1) * 64 KiB, 0 when free */
#define SLOT 0x10000ull
static struct vm_area *slot_area[SLOTS];
static struct vm_space vs;
static int problems;

static void problem(const char *what, unsigned long long at)
{
    if (problems++ < 5)
        printf("# %s at %#llx\n", what, at);
}

static int check_node(struct vm_area *n, struct vm_area *parent, u64 *gap)
{
    if (!n) {
        *gap = 0;
        return 0;
    }
    if (n->t_parent != parent)
        problem("a wrong parent link", n->start);
    u64 gl, gr;
    int hl = check_node(n->t_left, n, &gl), hr = check_node(n->t_right, n, &gr);
    if (hl - hr > 1 || hr - hl > 1)
        problem("an unbalanced node", n->start);
    if (n->t_height != 1 + (hl > hr ? hl : hr))
        problem("a wrong height", n->start);
    if (n->t_left && n->t_left->start >= n->start)
        problem("a left child above its parent", n->start);
    if (n->t_right && n->t_right->start <= n->start)
        problem("a right child below its parent", n->start);
    u64 lo = n->prev ? n->prev->end : 0;
    lo = lo < MMAP_MIN ? MMAP_MIN : lo;
    u64 own = n->start > lo ? n->start - lo : 0, g = MAX(own, MAX(gl, gr));
    if (n->t_gap != g)
        problem("a wrong largest gap", n->start);
    *gap = g;
    return n->t_height;
}

static int count_tree(struct vm_area *n)
{
    return n ? 1 + count_tree(n->t_left) + count_tree(n->t_right) : 0;
}

static void check_structure(void)
{
    int listed = 0, modelled = 0;
    struct vm_area *prev = NULL;
    for (struct vm_area *a = vs.areas; a; prev = a, a = a->next, listed++) {
        if (a->prev != prev)
            problem("a wrong prev link", a->start);
        if (prev && prev->end > a->start)
            problem("the list out of order", a->start);
    }
    for (int i = 0; i < SLOTS; i++)
        modelled += slot_area[i] && (i == 0 || slot_area[i - 1] != slot_area[i]);
    if (listed != modelled || count_tree(vs.tree) != listed)
        problem("a count that differs from the model", (unsigned long long)listed);
    u64 g;
    check_node(vs.tree, NULL, &g);
}

/* The model's answers. */
static struct vm_area *model_above(u64 addr)
{
    for (int i = 0; i < SLOTS; i++)
        if (slot_area[i] && slot_area[i]->end > addr)
            return slot_area[i];
    return NULL;
}

static u64 model_gap_below(u64 len, u64 top)
{
    u64 best = 0, lo = MMAP_MIN;
    for (struct vm_area *a = vs.areas;; a = a->next) {
        u64 hi = a ? MIN(a->start, top) : top;
        if (hi > lo && hi - lo >= len)
            best = hi - len;
        if (!a || a->start >= top)
            return best;
        if (a->end > lo)
            lo = a->end;
    }
}

static void add(int first, int n)
{
    struct vm_area *a = calloc(1, sizeof(*a));
    a->start = (u64)first * SLOT;
    a->end = (u64)(first + n) * SLOT;
    for (int i = first; i < first + n; i++)
        slot_area[i] = a;
    vm_tree_insert(&vs, a);
}

static void drop(struct vm_area *a)
{
    for (int i = 0; i < SLOTS; i++)
        if (slot_area[i] == a)
            slot_area[i] = NULL;
    vm_tree_remove(&vs, a);
    free(a);
}

static void random_step(void)
{
    int first = rand() % SLOTS, n = 1 + rand() % 4;
    if (slot_area[first]) {
        drop(slot_area[first]);
        return;
    }
    int room = 0;
    while (room < n && first + room < SLOTS && !slot_area[first + room])
        room++;
    add(first, room);
}

static void check_queries(void)
{
    for (int k = 0; k < 40; k++) {
        u64 addr = (u64)(rand() % (SLOTS + 2)) * SLOT + (u64)(rand() % 3) * 0x800;
        if (vm_tree_above(&vs, addr) != model_above(addr))
            problem("vm_tree_above differs", addr);
        u64 len = (u64)(1 + rand() % 6) * SLOT, top = (u64)(rand() % (SLOTS + 2)) * SLOT;
        if (vm_tree_gap_below(&vs, len, top) != model_gap_below(len, top))
            problem("vm_tree_gap_below differs", top);
    }
}

int main(void)
{
    srand(12345);
    CHECK(vm_tree_above(&vs, 0) == NULL && vm_tree_gap_below(&vs, SLOT, 8 * SLOT) == 7 * SLOT,
          "an empty address space: no area, the range just below the top is free");
    for (int step = 0; step < 6000; step++) {
        random_step();
        check_structure();
        check_queries();
    }
    CHECK(problems == 0, "6,000 random inserts and removals: list, AVL tree and gaps right after each (%d problems)",
          problems);
    /* ascending inserts (what a thread bomb's stacks do, from the top down: descending) keep the tree shallow */
    for (int i = 0; i < SLOTS; i++)
        if (slot_area[i])
            drop(slot_area[i]);
    for (int i = SLOTS - 1; i >= 1; i -= 2)
        add(i, 1);
    check_structure();
    CHECK(problems == 0 && vs.tree && vs.tree->t_height <= 10,
          "256 areas inserted top down: a balanced tree of height %d", vs.tree ? vs.tree->t_height : 0);
    CHECK(vm_tree_gap_below(&vs, 2 * SLOT, SLOTS * SLOT) == 0, "no free range of two slots between them");
    drop(slot_area[301]);
    CHECK(vm_tree_gap_below(&vs, 2 * SLOT, SLOTS * SLOT) == 301 * SLOT && problems == 0,
          "a removal opens exactly the range it frees (with its neighbours' gaps)");
    return unit_done();
}
