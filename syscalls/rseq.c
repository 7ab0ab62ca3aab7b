/* syscalls/rseq.c — restartable sequences: rseq(2) registration with Linux's checks, and the kernel's side of
 * the contract on the way back to ring 3. A thread that was switched out (or gets a signal handler) while its
 * rip is inside the critical section its rseq_cs names resumes at that section's abort_ip instead; then the
 * cpu_id fields are brought up to date (the CPU it runs on; a switch, and so a move to another CPU, sets
 * rseq_notify). A bad rseq_cs or a struct rseq that
 * cannot be written ends the thread's process with SIGSEGV, as on Linux. */
#include "syscalls.h"
#include "../arch/x86_64/arch.h"

#define RSEQ_FLAG_UNREGISTER 1
#define RSEQ_ORIG_SIZE 32           /* struct rseq before node_id and mm_cid; also its alignment */
#define RSEQ_CPU_ID_UNINITIALIZED ((u32)-1)

struct rseq_k {
    u32 cpu_id_start, cpu_id;
    u64 rseq_cs;
    u32 flags, node_id, mm_cid;
};
_Static_assert(sizeof(struct rseq_k) == 32 && offsetof(struct rseq_k, mm_cid) == 24, "struct rseq");

struct rseq_cs_k {
    u32 version, flags;
    u64 start_ip, post_commit_offset, abort_ip;
};
_Static_assert(sizeof(struct rseq_cs_k) == 32, "struct rseq_cs");

/* The ids a thread sees: its CPU, node 0, and as concurrency id the CPU again (unique among the threads running
 * at once, below the number of CPUs, as mm_cid must be); at unregistration, "none". */
static int write_ids(struct task *t, bool registered)
{
    u32 cpu = this_cpu()->id;
    u32 ids[2] = { registered ? cpu : 0, registered ? cpu : RSEQ_CPU_ID_UNINITIALIZED };
    u32 node_cid[2] = { 0, registered ? cpu : 0 }; /* node_id, mm_cid (after the thread's own flags word) */
    if (copy_to_user((void *)t->rseq_addr, ids, sizeof(ids)) ||
        copy_to_user((u8 *)t->rseq_addr + offsetof(struct rseq_k, node_id), node_cid, sizeof(node_cid)))
        return -EFAULT;
    return 0;
}

/* The critical section the thread is in, if any, is abandoned for its abort_ip; rseq_cs is cleared. */
static int fixup_ip(struct task *t, struct regs *r)
{
    u64 csp;
    struct rseq_cs_k cs;
    u32 sig;
    if (copy_from_user(&csp, (u8 *)t->rseq_addr + 8, sizeof(csp)))
        return -EFAULT;
    if (!csp)
        return 0;
    if (csp >= USER_TOP || copy_from_user(&cs, (const void *)csp, sizeof(cs)))
        return -EFAULT;
    if (cs.version || cs.start_ip >= USER_TOP || cs.start_ip + cs.post_commit_offset >= USER_TOP ||
        cs.start_ip + cs.post_commit_offset < cs.start_ip || cs.abort_ip >= USER_TOP ||
        cs.abort_ip - cs.start_ip < cs.post_commit_offset)
        return -EINVAL;
    if (copy_from_user(&sig, (const void *)(cs.abort_ip - 4), sizeof(sig)) || sig != t->rseq_sig)
        return -EINVAL; /* the abort handler must follow the signature the thread registered */
    u64 zero = 0;
    if (copy_to_user((u8 *)t->rseq_addr + 8, &zero, sizeof(zero)))
        return -EFAULT;
    if (r->rip - cs.start_ip < cs.post_commit_offset)
        r->rip = cs.abort_ip;
    return 0;
}

static void rseq_handle(struct regs *r, bool signal)
{
    struct task *t = current;
    t->rseq_notify = false;
    if (!fixup_ip(t, r) && (signal || !write_ids(t, true)))
        return;
    proc_diag("skiff: %s: rseq: the registered struct rseq or its rseq_cs is unusable: SIGSEGV\n",
              t->proc->exe ? t->proc->exe : "program");
    signal_fault(r, SIGSEGV, SI_KERNEL, 0, 0, "rseq");
}

/* On the way back to ring 3 (syscall, interrupt, trap): after a switch, or right after registering. */
void rseq_user_return(struct regs *r)
{
    if (current->rseq_addr && current->rseq_notify)
        rseq_handle(r, false);
}

/* Before a handler's frame is written: the interrupted section gives way to its abort_ip. */
void rseq_signal(struct regs *r)
{
    if (current->rseq_addr)
        rseq_handle(r, true);
}

SYSCALL(rseq) /* (struct rseq *rseq, u32 rseq_len, int flags, u32 sig) */
{
    struct task *t = current;
    u64 addr = a0;
    u32 len = (u32)a1, sig = (u32)a3;
    int flags = (int)a2;
    if (flags & RSEQ_FLAG_UNREGISTER) {
        if (flags & ~RSEQ_FLAG_UNREGISTER)
            return -EINVAL;
        if (!t->rseq_addr || t->rseq_addr != addr || len != t->rseq_len)
            return -EINVAL;
        if (t->rseq_sig != sig)
            return -EPERM;
        if (write_ids(t, false))
            return -EFAULT;
        t->rseq_addr = 0;
        t->rseq_len = t->rseq_sig = 0;
        return 0;
    }
    if (flags)
        return -EINVAL;
    if (t->rseq_addr) {
        if (t->rseq_addr != addr || len != t->rseq_len)
            return -EINVAL;
        return t->rseq_sig != sig ? -EPERM : -EBUSY;
    }
    /* at least the original struct, aligned as struct rseq is (32); a longer one is a newer caller's */
    if (len < RSEQ_ORIG_SIZE || addr % RSEQ_ORIG_SIZE)
        return -EINVAL;
    if (!access_ok(addr, len))
        return -EFAULT;
    t->rseq_addr = addr;
    t->rseq_len = len;
    t->rseq_sig = sig;
    t->rseq_notify = true; /* the ids are written on the way out */
    return 0;
}
