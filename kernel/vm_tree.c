/* kernel/vm_tree.c — an address space's areas, indexed. The areas stay on a list sorted by address (walks in
 * order: /proc/PID/maps, fork, munmap of a range) and also sit in an AVL tree keyed by start, in which every
 * node carries the largest free gap just below any area of its subtree. So finding the area at an address, the
 * first area past one, or the highest free gap of some size below mmap_top costs O(log n) in the number of
 * areas: a process with ten thousand thread stacks (two areas each, the stack and its guard) creates its next
 * thread as fast as one with ten. Areas never overlap, so their ends are sorted as their starts are.
 * Only vm.c changes areas; it calls these with the address space held (one CPU today: no lock; with SMP the
 * address space's lock). */
#include "mm.h"

/* The free space just below a: from the end of the area before it (or MMAP_MIN) up to its start. */
static u64 gap_of(const struct vm_area *a)
{
    u64 lo = a->prev ? a->prev->end : 0;
    if (lo < MMAP_MIN)
        lo = MMAP_MIN;
    return a->start > lo ? a->start - lo : 0;
}

static int height(const struct vm_area *a)
{
    return a ? a->t_height : 0;
}

static u64 gap_max(const struct vm_area *a)
{
    return a ? a->t_gap : 0;
}

/* a's height and largest gap from its children's (and its own gap). */
static void fix(struct vm_area *a)
{
    int hl = height(a->t_left), hr = height(a->t_right);
    a->t_height = 1 + (hl > hr ? hl : hr);
    a->t_gap = MAX(gap_of(a), MAX(gap_max(a->t_left), gap_max(a->t_right)));
}

static void replace_child(struct vm_space *vs, struct vm_area *parent, struct vm_area *old, struct vm_area *new)
{
    if (!parent)
        vs->tree = new;
    else if (parent->t_left == old)
        parent->t_left = new;
    else
        parent->t_right = new;
    if (new)
        new->t_parent = parent;
}

static struct vm_area *rotate_left(struct vm_space *vs, struct vm_area *x)
{
    struct vm_area *y = x->t_right;
    x->t_right = y->t_left;
    if (y->t_left)
        y->t_left->t_parent = x;
    replace_child(vs, x->t_parent, x, y);
    y->t_left = x;
    x->t_parent = y;
    fix(x);
    fix(y);
    return y;
}

static struct vm_area *rotate_right(struct vm_space *vs, struct vm_area *x)
{
    struct vm_area *y = x->t_left;
    x->t_left = y->t_right;
    if (y->t_right)
        y->t_right->t_parent = x;
    replace_child(vs, x->t_parent, x, y);
    y->t_right = x;
    x->t_parent = y;
    fix(x);
    fix(y);
    return y;
}

/* n's subtree balanced again (its children's differ by at most one): the subtree's new top. */
static struct vm_area *rebalance(struct vm_space *vs, struct vm_area *n)
{
    int bal = height(n->t_left) - height(n->t_right);
    if (bal > 1) {
        if (height(n->t_left->t_left) < height(n->t_left->t_right))
            rotate_left(vs, n->t_left);
        return rotate_right(vs, n);
    }
    if (bal < -1) {
        if (height(n->t_right->t_right) < height(n->t_right->t_left))
            rotate_right(vs, n->t_right);
        return rotate_left(vs, n);
    }
    fix(n);
    return n;
}

/* From n up to the root: balance, heights and gaps (always the whole way: a gap can change above a node whose
 * height did not). */
static void retrace(struct vm_space *vs, struct vm_area *n)
{
    while (n)
        n = rebalance(vs, n)->t_parent;
}

void vm_tree_insert(struct vm_space *vs, struct vm_area *n)
{
    struct vm_area *parent = NULL, **link = &vs->tree, *prev = NULL, *next = NULL;
    while (*link) {
        parent = *link;
        if (n->start < parent->start) {
            next = parent;
            link = &parent->t_left;
        } else {
            prev = parent;
            link = &parent->t_right;
        }
    }
    n->t_left = n->t_right = NULL;
    n->t_parent = parent;
    *link = n;
    vs->nareas++;
    n->prev = prev;
    n->next = next;
    if (prev)
        prev->next = n;
    else
        vs->areas = n;
    if (next)
        next->prev = n;
    retrace(vs, n);
    if (next)
        retrace(vs, next); /* the gap below it shrank */
}

void vm_tree_remove(struct vm_space *vs, struct vm_area *a)
{
    struct vm_area *next = a->next, *from;
    vs->nareas--;
    if (a->prev)
        a->prev->next = next;
    else
        vs->areas = next;
    if (next)
        next->prev = a->prev;
    if (a->t_left && a->t_right) {
        struct vm_area *s = a->t_right; /* the successor takes a's place */
        while (s->t_left)
            s = s->t_left;
        from = s;
        if (s->t_parent != a) {
            from = s->t_parent;
            replace_child(vs, s->t_parent, s, s->t_right);
            s->t_right = a->t_right;
            a->t_right->t_parent = s;
        }
        s->t_left = a->t_left;
        a->t_left->t_parent = s;
        replace_child(vs, a->t_parent, a, s);
    } else {
        from = a->t_parent;
        replace_child(vs, a->t_parent, a, a->t_left ? a->t_left : a->t_right);
    }
    retrace(vs, from);
    if (next)
        retrace(vs, next); /* the gap below it grew */
    a->next = a->prev = a->t_left = a->t_right = a->t_parent = NULL;
}

/* a's start moved down (a stack grew, not past the area before it): the gap below it changed. */
void vm_tree_start_changed(struct vm_space *vs, struct vm_area *a)
{
    retrace(vs, a);
}

/* a's end moved (split or merged in place): the gap below the next area changed. */
void vm_tree_end_changed(struct vm_space *vs, struct vm_area *a)
{
    if (a->next)
        retrace(vs, a->next);
}

/* The first area that ends past addr: the one holding addr, or the lowest one above it (NULL: none). */
struct vm_area *vm_tree_above(struct vm_space *vs, u64 addr)
{
    struct vm_area *best = NULL;
    for (struct vm_area *n = vs->tree; n;) {
        if (n->end > addr) {
            best = n;
            n = n->t_left;
        } else {
            n = n->t_right;
        }
    }
    return best;
}

/* The highest area starting below top with a gap of len below it. */
static struct vm_area *rightmost_fit(struct vm_area *n, u64 len, u64 top)
{
    if (!n || n->t_gap < len)
        return NULL;
    if (n->start < top) {
        struct vm_area *r = rightmost_fit(n->t_right, len, top);
        if (r)
            return r;
        if (gap_of(n) >= len)
            return n;
    }
    return rightmost_fit(n->t_left, len, top);
}

/* The start of the highest free range of len bytes at or above MMAP_MIN that ends at or below top (0: none). */
u64 vm_tree_gap_below(struct vm_space *vs, u64 len, u64 top)
{
    /* the range up to top itself, from the end of the last area below it */
    struct vm_area *s = vm_tree_above(vs, top), *last = NULL;
    if (s && s->start < top)
        last = s; /* an area straddles top: nothing just below it */
    else if (s)
        last = s->prev;
    else
        for (last = vs->tree; last && last->t_right;)
            last = last->t_right;
    if (!(s && s->start < top)) {
        u64 lo = last && last->end > MMAP_MIN ? last->end : MMAP_MIN;
        if (top > lo && top - lo >= len)
            return top - len;
    }
    struct vm_area *a = rightmost_fit(vs->tree, len, top);
    return a ? a->start - len : 0;
}
