/*
 * fuzz: calls skiff's syscalls many times with arguments drawn from a pool of awkward values (bad and kernel
 * pointers, huge and negative sizes, odd flags), then exits 0. The calls that would end or block this
 * program (exit, execve, fork, kill, long sleeps, futex waits, reading a terminal, unmapping its own memory)
 * are left out. The point: the kernel must answer every call with a result or an error, never a panic.
 *
 * Build: gcc -static -O2 -Wall -Wextra -o build/progs/fuzz test/progs/fuzz.c
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static unsigned long long next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const long calls[] = {
	SYS_read, SYS_write, SYS_open, SYS_close, SYS_stat, SYS_fstat, SYS_lstat, SYS_lseek, SYS_mmap,
	SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_ioctl, SYS_pread64, SYS_pwrite64, SYS_readv, SYS_writev,
	SYS_access, SYS_pipe, SYS_sched_yield, SYS_dup, SYS_dup2, SYS_getpid, SYS_uname, SYS_fcntl, SYS_fsync,
	SYS_truncate, SYS_ftruncate, SYS_getcwd, SYS_chdir, SYS_fchdir, SYS_rename, SYS_mkdir, SYS_rmdir,
	SYS_link, SYS_unlink, SYS_symlink, SYS_readlink, SYS_chmod, SYS_fchmod, SYS_chown, SYS_umask,
	SYS_gettimeofday, SYS_getrlimit, SYS_getrusage, SYS_sysinfo, SYS_times, SYS_sigaltstack, SYS_statfs,
	SYS_fstatfs, SYS_prctl, SYS_arch_prctl, SYS_setrlimit, SYS_getxattr, SYS_listxattr, SYS_time,
	SYS_sched_getaffinity, SYS_getdents64, SYS_clock_gettime, SYS_clock_getres, SYS_openat, SYS_mkdirat,
	SYS_newfstatat, SYS_unlinkat, SYS_renameat, SYS_linkat, SYS_symlinkat, SYS_readlinkat, SYS_fchmodat,
	SYS_faccessat, SYS_utimensat, SYS_dup3, SYS_pipe2, SYS_prlimit64, SYS_renameat2, SYS_getrandom,
	SYS_statx, SYS_rt_sigpending, SYS_msync, SYS_getgroups, SYS_getresuid, SYS_getcpu, SYS_set_robust_list,
};

static long pick(char *buf)
{
	static const long fixed[] = { 0, 1, 2, 3, -1, -100, 4095, 4096, 4097, 0x7fffffff, -4096, 0x1000,
		(long)0xffff800000000000ull, (long)0xffffffff81000000ull, 0x7ffffffff000, 1L << 47, 64, 255, 256 };
	switch (next() % 4) {
	case 0: return fixed[next() % (sizeof(fixed) / sizeof(fixed[0]))];
	case 1: return (long)(buf + next() % 4096);
	case 2: return (long)next();
	default: return (long)(next() % 1024);
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000;
	/* Pointers aim into a 64 MiB mapping of its own, so a huge size runs into unmapped memory (EFAULT)
	 * instead of over this program's own data, as a too-small static buffer would. */
	char *buf = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 1;
	signal(SIGPIPE, SIG_IGN); /* writing to a pipe we closed the other end of is EPIPE here, not death */
	if (argc > 2)
		rng = strtoull(argv[2], NULL, 0);
	for (long i = 0; i < n; i++) {
		long nr = calls[next() % (sizeof(calls) / sizeof(calls[0]))];
		long a[6];
		for (int k = 0; k < 6; k++)
			a[k] = pick(buf);
		if ((nr == SYS_read || nr == SYS_readv || nr == SYS_pread64) && (a[0] & 0xffffffff) == 0)
			a[0] = 1000; /* never wait for a terminal */
		if (nr == SYS_rt_sigaction && (a[0] == 9 || a[0] == 19))
			continue;
		if (nr == SYS_rt_sigaction)
			a[1] = 0; /* keep the default actions: no handler jumps into garbage */
		if (nr == SYS_arch_prctl)
			a[0] = 0x1003 + (next() % 2); /* only the GET_* forms: ours must stay */
		if (nr == SYS_sigaltstack || nr == SYS_setrlimit || nr == SYS_prctl)
			a[1] = 0;
		if (nr == SYS_prlimit64)
			a[2] = 0; /* read only: a random RLIMIT_CPU, STACK or NOFILE would end the run, as on Linux */
		if (nr == SYS_dup2 || nr == SYS_dup3)
			a[1] = 100 + a[1] % 900 * (a[1] > 0); /* never over stdio */
		if (nr == SYS_close && a[0] >= 0 && a[0] < 3)
			continue;
		if ((nr == SYS_write || nr == SYS_writev || nr == SYS_pwrite64) && (a[0] == 1 || a[0] == 2))
			a[0] = 1000; /* keep the output readable */
		if (nr == SYS_mmap)
			a[3] &= ~0x100010L; /* no MAP_FIXED(_NOREPLACE): never map over our own memory */
		memset(buf, 'x', 64);
		syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	}
	printf("fuzz: %ld calls survived\n", n);
	return 0;
}
