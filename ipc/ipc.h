/* ipc/ipc.h — System V IPC: shared memory (shm.c), semaphore sets (sem.c) and message queues (msg.c), with
 * the ids, keys and permissions they share (util.c). One IPC namespace for the whole machine. Everything runs
 * with interrupts off on one CPU and nothing here is touched from an interrupt; with SMP, one lock per kind
 * would guard its table and its objects. */
#ifndef SKIFF_IPC_H
#define SKIFF_IPC_H

#include "../kernel/kernel.h"
#include "../kernel/errno.h"

#define IPC_PRIVATE 0
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_NOWAIT 04000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_INFO 3
#define IPC_SLOTS 256            /* objects of each kind at once (ENOSPC beyond) */
#define MSGMAX 8192              /* the largest message */
#define MSGMNB 16384             /* a new queue's msg_qbytes */
#define SHMMIN 1
#define SHMMAX 0xfffffffffeffffffull /* Linux's default shmmax (ULONG_MAX - 2^24) */
/* sysctl.c: /proc/sys/kernel/{msgmax,msgmnb,msgmni,shmmax,shmall,shmmni,sem}: the limits enforced here */
int ipc_sysctl_msgmax(char *buf, size_t size);
int ipc_sysctl_msgmnb(char *buf, size_t size);
int ipc_sysctl_msgmni(char *buf, size_t size);
int ipc_sysctl_shmmax(char *buf, size_t size);
int ipc_sysctl_shmall(char *buf, size_t size);
int ipc_sysctl_shmmni(char *buf, size_t size);
int ipc_sysctl_sem(char *buf, size_t size);
/* mqueue.c: /proc/sys/fs/mqueue/{msg_max,msg_default}, {msgsize_max,msgsize_default}, queues_max */
int mq_sysctl_msg(char *buf, size_t size);
int mq_sysctl_msgsize(char *buf, size_t size);
int mq_sysctl_queues(char *buf, size_t size);
#define IPC_SEQ_MULT 32768       /* id = seq * IPC_SEQ_MULT + slot, as Linux numbers them */

/* The permission part every object starts with. */
struct ipc_obj {
    int id;
    i32 key;
    u32 uid, gid, cuid, cgid;
    u32 mode;                    /* the low 9 bits: permissions; shm adds SHM_DEST/SHM_LOCKED */
    u16 seq;
};

/* struct ipc64_perm on x86_64 (mode is a 32-bit __kernel_mode_t there: no padding before seq). */
struct ipc64_perm_k {
    i32 key;
    u32 uid, gid, cuid, cgid, mode;
    u16 seq, pad;
    u64 unused1, unused2;
};
_Static_assert(sizeof(struct ipc64_perm_k) == 48, "struct ipc64_perm");

/* A table of one kind of object. */
struct ipc_table {
    struct ipc_obj *slot[IPC_SLOTS];
    int last;                    /* the slot handed out last, -1 at first (slots go round-robin, as Linux's) */
    u16 seq;
};

/* util.c */
struct ipc_obj *ipc_find_key(struct ipc_table *t, i32 key);
struct ipc_obj *ipc_find_id(struct ipc_table *t, int id);        /* NULL: no such id (EINVAL) */
int ipc_add(struct ipc_table *t, struct ipc_obj *o, i32 key, u32 mode); /* fills o; -ENOSPC when full */
void ipc_remove(struct ipc_table *t, struct ipc_obj *o);        /* the slot only; the caller frees o */
/* MSG_STAT, SHM_STAT, SEM_STAT and their _ANY forms take a table index: the object there, or NULL (EINVAL) */
struct ipc_obj *ipc_find_index(struct ipc_table *t, int idx);
int ipc_max_index(const struct ipc_table *t);                 /* what IPC_INFO and the *_INFO commands return */
/* ipcperms(): want is a mode such as 0400 (read) or 0600; 0 or -EACCES. */
int ipc_perm_check(const struct ipc_obj *o, u32 want);
bool ipc_owner(const struct ipc_obj *o);                         /* IPC_SET/IPC_RMID allowed */
void ipc_perm_out(const struct ipc_obj *o, struct ipc64_perm_k *p);
void ipc_perm_set(struct ipc_obj *o, const struct ipc64_perm_k *p);   /* IPC_SET: uid, gid, mode bits */
/* The common part of shmget/semget/msgget: the existing object for key (checked against flg), or NULL with
 * *err 0 when a new one should be made, or NULL with *err set. */
struct ipc_obj *ipc_get(struct ipc_table *t, i32 key, int flg, int *err);
i64 ipc_now(void);                                               /* seconds since the epoch */
void ipc_wake(const void *obj);                                  /* every task waiting on obj looks again */
/* Sleeps on obj until woken, deadline (monotonic ns, ~0: none) or a signal: 0, -EAGAIN (time is up), -EINTR. */
long ipc_wait(const void *obj, u64 deadline);

/* shm.c, sem.c, msg.c: /proc/sysvipc/{shm,sem,msg} */
int ipc_proc_shm(char *buf, size_t size);
int ipc_proc_sem(char *buf, size_t size);
int ipc_proc_msg(char *buf, size_t size);
/* sem.c: a process's SEM_UNDO adjustments are applied when it exits (hook in kernel/fork.c) */
struct proc;
void sem_exit(struct proc *p);       /* p ends or unshares CLONE_SYSVSEM: it lets go of its undo list */
int sem_undo_key(struct proc *p);   /* p's undo list, made if it has none (SEM_UNDO, CLONE_SYSVSEM) */

/* sem.c's sets, which semctl.c reads and sets */
#define SEMVMX 32767                 /* the largest value */
#define SEMMSL 32000                 /* semaphores in a set */
#define SEMOPM 500                   /* operations in one semop */
struct sem_k {
    u16 val;
    int pid;                     /* the last process that changed it */
};
struct sem_set {
    struct ipc_obj perm;         /* first: the table holds &perm */
    int nsems;
    i64 otime, ctime;
    struct sem_k sems[];
};
extern struct ipc_table sem_table;
struct sem_set *sem_lookup(int id);
void sem_undo_clear(int id, int num);           /* SETVAL/SETALL: the adjustments of num (-1: all) go */
void sem_undo_drop(int key, int id);            /* entries of undo list key (0: any) for id (-1: any) go */
int sem_count_waiters(int id, int num, bool zero); /* GETNCNT (zero false) and GETZCNT */

#endif
