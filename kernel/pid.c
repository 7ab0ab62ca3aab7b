/* kernel/pid.c — finding processes and threads by id, and the process tree's links, in O(1) however many
 * there are: a fork, an exit or a wait4 among a thousand idle processes costs what it costs among ten (each
 * walked every process: the lookup of pid 1 for orphans, reparenting, wait4's search, the unlink at reaping).
 * Changed from syscalls only (fork, exit, reaping; never from an interrupt); with SMP, the task list's lock. */
#include "proc.h"

#define ID_BUCKETS 1024 /* chains stay short up to tens of thousands of tasks */
static struct proc *pid_index[ID_BUCKETS];
static struct task *tid_index[ID_BUCKETS];

static unsigned id_bucket(int id)
{
    return (unsigned)id % ID_BUCKETS; /* ids are handed out in sequence: consecutive ones spread evenly */
}

struct proc *proc_by_pid(int pid)
{
    for (struct proc *p = pid_index[id_bucket(pid)]; p; p = p->pid_hnext)
        if (p->pid == pid)
            return p;
    return NULL;
}

struct task *task_by_tid(int tid)
{
    for (struct task *t = tid_index[id_bucket(tid)]; t; t = t->tid_hnext)
        if (t->tid == tid && t->state != TASK_DEAD)
            return t;
    return NULL;
}

void tid_index_add(struct task *t)
{
    struct task **b = &tid_index[id_bucket(t->tid)];
    t->tid_hnext = *b;
    *b = t;
}

void tid_index_del(struct task *t)
{
    for (struct task **pp = &tid_index[id_bucket(t->tid)]; *pp; pp = &(*pp)->tid_hnext)
        if (*pp == t) {
            *pp = t->tid_hnext;
            return;
        }
}

static void child_unlink(struct proc *p)
{
    if (!p->parent)
        return;
    if (p->sib_prev)
        p->sib_prev->sib_next = p->sib_next;
    else
        p->parent->children = p->sib_next;
    if (p->sib_next)
        p->sib_next->sib_prev = p->sib_prev;
    p->sib_next = p->sib_prev = NULL;
}

void proc_set_parent(struct proc *p, struct proc *parent)
{
    child_unlink(p);
    p->parent = parent;
    if (!parent)
        return;
    p->sib_prev = NULL;
    p->sib_next = parent->children;
    if (parent->children)
        parent->children->sib_prev = p;
    parent->children = p;
}

/* p (its pid and parent set) joins the process list, newest first, and the index. */
void proc_list_add(struct proc *p)
{
    p->prev_proc = NULL;
    p->next_proc = proc_list;
    if (proc_list)
        proc_list->prev_proc = p;
    proc_list = p;
    struct proc **b = &pid_index[id_bucket(p->pid)];
    p->pid_hnext = *b;
    *b = p;
    struct proc *parent = p->parent;
    p->parent = NULL; /* not yet among its parent's children */
    proc_set_parent(p, parent);
}

void proc_list_del(struct proc *p)
{
    if (p->prev_proc)
        p->prev_proc->next_proc = p->next_proc;
    else if (proc_list == p)
        proc_list = p->next_proc;
    else
        return; /* never added */
    if (p->next_proc)
        p->next_proc->prev_proc = p->prev_proc;
    p->next_proc = p->prev_proc = NULL;
    for (struct proc **pp = &pid_index[id_bucket(p->pid)]; *pp; pp = &(*pp)->pid_hnext)
        if (*pp == p) {
            *pp = p->pid_hnext;
            break;
        }
    child_unlink(p);
}
