/* syscalls/seccomp.h — seccomp(2): strict mode and classic-BPF syscall filters (seccomp.c installs and applies
 * them, seccomp_bpf.c checks and runs a filter program). */
#ifndef SKIFF_SECCOMP_H
#define SKIFF_SECCOMP_H

#include "syscalls.h"

#define SECCOMP_MODE_DISABLED 0
#define SECCOMP_MODE_STRICT 1
#define SECCOMP_MODE_FILTER 2

/* A filter's return value: the action in the top 16 bits, its data (an errno, a trace message) below. */
#define SECCOMP_RET_KILL_PROCESS 0x80000000u
#define SECCOMP_RET_KILL_THREAD 0x00000000u
#define SECCOMP_RET_TRAP 0x00030000u
#define SECCOMP_RET_ERRNO 0x00050000u
#define SECCOMP_RET_USER_NOTIF 0x7fc00000u
#define SECCOMP_RET_TRACE 0x7ff00000u
#define SECCOMP_RET_LOG 0x7ffc0000u
#define SECCOMP_RET_ALLOW 0x7fff0000u
#define SECCOMP_RET_ACTION_FULL 0xffff0000u
#define SECCOMP_RET_DATA 0x0000ffffu

#define AUDIT_ARCH_X86_64 0xc000003eu
#define BPF_MAXINSNS 4096
#define BPF_MEMWORDS 16

/* The classic BPF instruction, as user space hands it over in struct sock_fprog. */
struct sock_filter {
    u16 code;
    u8 jt, jf;
    u32 k;
};
_Static_assert(sizeof(struct sock_filter) == 8, "struct sock_filter is Linux's");

/* What a filter reads with BPF_LD|BPF_W|BPF_ABS: the call as it was made. */
struct seccomp_data {
    int nr;
    u32 arch;
    u64 instruction_pointer;
    u64 args[6];
};
_Static_assert(sizeof(struct seccomp_data) == 64, "struct seccomp_data is Linux's");

/* An installed filter; immutable once installed, shared by the threads and children that inherit it. */
struct seccomp_filter {
    u32 refs;
    u16 len;
    bool log;                     /* SECCOMP_FILTER_FLAG_LOG: log what it decides (except ALLOW) */
    struct seccomp_filter *prev;  /* the filter installed before it (also run) */
    struct sock_filter insns[];
};

long bpf_seccomp_check(struct sock_filter *f, u32 len); /* 0 or -EINVAL; rewrites the LEN loads as immediates */
u32 bpf_seccomp_run(const struct sock_filter *f, const struct seccomp_data *d);

/* The syscall entry's hook: false to run the call; true when the filter decided its result (*ret). */
bool seccomp_syscall(struct regs *r, u64 nr, long *ret);
/* A forced SIGSYS about call nr at rip (si_code code, si_errno data); a kill of the process by sig. */
void seccomp_sigsys(u64 nr, u64 rip, int code, u32 data, const char *why);
noreturn void seccomp_kill(int sig, u64 nr, const char *why);
void seccomp_fork(struct task *child);    /* the creator's mode and filters (fork, clone) */
void seccomp_release(struct task *t);
long seccomp_prctl(int opt, u64 a1, u64 a2, bool *handled);
int seccomp_filter_count(const struct task *t); /* /proc/PID/status Seccomp_filters */

#endif
