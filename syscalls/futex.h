/* syscalls/futex.h — what futex.c shares with futex_pi.c (the requeue-PI pair). */
#pragma once
#include "syscalls.h"

#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

const void *futex_space(u64 uaddr);    /* the key's address space: the caller's for a private word, NULL shared */
/* Blocks on uaddr until woken (0), the deadline (ETIMEDOUT) or a signal (EINTR or a restart). */
long futex_block(u32 *uaddr, u32 val, u64 deadline_ns, bool realtime, u32 bitset);
long futex_check_addr(u64 uaddr);      /* a second word: aligned (EINVAL) and mapped (EFAULT) */
long futex_deadline(const void *utimeout, bool absolute, bool realtime, u64 *deadline);
long futex_lock_pi(u32 *uaddr, bool try, u64 deadline, bool realtime);
struct task *futex_first_waiter(u64 uaddr); /* the longest-waiting task blocked on uaddr, or NULL */

/* futex_waitv.c: wakes up to n vector waiters' entries for the word at uaddr of space; how many */
int futexv_wake(u64 uaddr, const void *space, int n);
int futexv_requeue(u64 uaddr, const void *space, u64 uaddr2, const void *space2, int n); /* how many moved */

/* futex_pi.c */
long futex_wait_requeue_pi(u32 *uaddr, u32 val, const void *utimeout, u64 uaddr2, bool realtime);
long futex_cmp_requeue_pi(u32 *uaddr, int nr_wake, int nr_requeue, u64 uaddr2, u32 val3);
