/* syscalls/membarrier.c — membarrier(2). On one CPU every barrier it promises holds already: only the caller
 * runs, and a task switch is a full barrier (and serialises the core: CR3 writes and IRET). With several CPUs
 * the big kernel lock orders only kernel code; threads in user mode on other CPUs run beside the caller, so the
 * barrier commands interrupt each CPU that runs the address space (every CPU for the GLOBAL ones) and wait until
 * it answered: taking the interrupt and its IRET are a full barrier and serialise that core (SYNC_CORE). The
 * TLB shootdown IPI is that interrupt (its flush costs the other CPU a few TLB misses); halted CPUs run no user
 * code and are left alone. Linux's bookkeeping is kept as Linux keeps it: the private expedited commands need
 * their registration first (EPERM), registrations belong to the address space (a fork's copy keeps them, exec
 * starts without any) and GET_REGISTRATIONS reports them.
 * Not done (test/conformance/partial): PRIVATE_EXPEDITED_RSEQ with several CPUs gives the threads running on
 * the others their barrier, but restarts their rseq critical sections only at their next switch. */
#include "syscalls.h"
#include "../arch/x86_64/smp.h"

#define MB_QUERY 0
#define MB_GLOBAL 1
#define MB_GLOBAL_EXPEDITED 2
#define MB_REGISTER_GLOBAL_EXPEDITED 4
#define MB_PRIVATE_EXPEDITED 8
#define MB_REGISTER_PRIVATE_EXPEDITED 16
#define MB_PRIVATE_EXPEDITED_SYNC_CORE 32
#define MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64
#define MB_PRIVATE_EXPEDITED_RSEQ 128
#define MB_REGISTER_PRIVATE_EXPEDITED_RSEQ 256
#define MB_GET_REGISTRATIONS 512
#define MB_FLAG_CPU 1u
#define MB_SUPPORTED 0x3ff /* every command above, as x86_64 Linux with rseq answers QUERY */

/* A full barrier here and on every CPU running vs (NULL: on every CPU). */
static void mb_all(struct vm_space *vs)
{
    __asm__ volatile("mfence" ::: "memory");
    tlb_shootdown(vs, false); /* returns once each of them took the interrupt (nothing without SMP) */
}

/* A private expedited command: allowed once its registration (the next bit up) was made. */
static long private_expedited(int cmd)
{
    u32 reg = (u32)cmd << 1;
    if (!(current_vm()->membarrier_regs & reg))
        return -EPERM;
    mb_all(current_vm());
    return 0;
}

SYSCALL(membarrier)
{
    int cmd = (int)a0;
    u32 flags = (u32)a1;
    if (flags && !(cmd == MB_PRIVATE_EXPEDITED_RSEQ && flags == MB_FLAG_CPU))
        return -EINVAL; /* only the rseq command takes a flag (a CPU: all of the process's get the barrier) */
    switch (cmd) {
    case MB_QUERY:
        return MB_SUPPORTED;
    case MB_GLOBAL: case MB_GLOBAL_EXPEDITED:
        mb_all(NULL);
        return 0;
    case MB_PRIVATE_EXPEDITED: case MB_PRIVATE_EXPEDITED_SYNC_CORE: case MB_PRIVATE_EXPEDITED_RSEQ:
        return private_expedited(cmd);
    case MB_REGISTER_GLOBAL_EXPEDITED: case MB_REGISTER_PRIVATE_EXPEDITED:
    case MB_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE: case MB_REGISTER_PRIVATE_EXPEDITED_RSEQ:
        current_vm()->membarrier_regs |= (u32)cmd;
        return 0;
    case MB_GET_REGISTRATIONS:
        return current_vm()->membarrier_regs;
    default:
        return -EINVAL;
    }
}
