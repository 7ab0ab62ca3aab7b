/* kernel/waitheap.c — the blocked tasks that have a deadline, in a binary min-heap on it: the scheduler finds
 * the next deadline in O(1) and wakes the expired ones in O(log n) each, where it scanned every task whenever
 * one deadline passed (a thousand threads sleeping with timeouts made each expiry cost a thousand steps). A
 * task is in the heap exactly while it is blocked with a finite deadline (sched.c's set_blocked/set_runnable).
 * Room for every task is reserved when the task is made (task_alloc), so insertion never fails. Changed from
 * interrupt handlers too (their wake-ups): the scheduler's rules (one CPU, interrupts off in the kernel; with
 * SMP, the scheduler's lock). */
#include "proc.h"

static struct task **heap;
static u64 len, cap;

/* Room for n tasks; false when out of memory (the new task is refused). */
bool waitheap_reserve(u64 n)
{
    if (n <= cap)
        return true;
    u64 c = MAX(n, cap ? cap * 2 : 64);
    struct task **h = kmalloc(c * sizeof(*h));
    if (!h)
        return false;
    if (len)
        memcpy(h, heap, len * sizeof(*h));
    kfree(heap);
    heap = h;
    cap = c;
    return true;
}

static void place(u64 i, struct task *t)
{
    heap[i] = t;
    t->heap_slot = i + 1;
}

static void sift_up(u64 i)
{
    struct task *t = heap[i];
    while (i > 0) {
        u64 parent = (i - 1) / 2;
        if (heap[parent]->wake_deadline <= t->wake_deadline)
            break;
        place(i, heap[parent]);
        i = parent;
    }
    place(i, t);
}

static void sift_down(u64 i)
{
    struct task *t = heap[i];
    for (;;) {
        u64 c = 2 * i + 1;
        if (c >= len)
            break;
        if (c + 1 < len && heap[c + 1]->wake_deadline < heap[c]->wake_deadline)
            c++;
        if (t->wake_deadline <= heap[c]->wake_deadline)
            break;
        place(i, heap[c]);
        i = c;
    }
    place(i, t);
}

void waitheap_insert(struct task *t)
{
    KASSERT(!t->heap_slot && len < cap);
    heap[len] = t;
    sift_up(len++);
}

void waitheap_remove(struct task *t)
{
    if (!t->heap_slot)
        return;
    u64 i = t->heap_slot - 1;
    t->heap_slot = 0;
    struct task *last = heap[--len];
    if (i == len)
        return;
    place(i, last);
    sift_up(i);
    sift_down(last->heap_slot - 1);
}

/* The task whose deadline comes first (NULL: none waits with one). */
struct task *waitheap_first(void)
{
    return len ? heap[0] : NULL;
}
