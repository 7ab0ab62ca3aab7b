/*
 * sysfuzz: the in-guest syscall fuzzer (issue 15; `make fuzz-guest`, a short run in `make test`). As the first
 * process under skiff it forks workers one after another; each runs a few hundred random syscalls — any
 * number below 460 — with arguments drawn from edge values (bad, kernel and non-canonical pointers, pointers
 * into a buffer of random bytes and a few real paths, huge and negative sizes, negative fds, random flags),
 * then exits. A worker may kill itself, crash, or block: the parent watches a shared progress counter, and
 * kills a worker (and its process group) that made no progress for 0.3 s. Calls that would end the run on
 * purpose are left out or aimed at the worker itself (exit, reboot, signals or limits for other processes).
 * What matters is the kernel: it must answer every call, never panic (status 125) or hang (the runner's
 * --timeout), and never lose a child (a worker wait4 cannot find is reported as LOST: exit 3).
 *
 *   sysfuzz [-s SEED] [-t SECONDS | -n CALLS] [-w WORKER] [-v]
 * Everything follows from the seed: worker W's calls depend only on (SEED, W), so `-w W -v` replays that one
 * worker alone and prints each call before making it (the last line before a hang or panic names the call).
 * It refuses to run unless it is pid 1 (random syscalls as a process of the host would damage the host).
 *
 * Build: gcc -static -O2 -Wall -Wextra -o build/progs/sysfuzz test/progs/sysfuzz.c
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_NR 460
#define BUF_SIZE 65536
#define CALLS_PER_WORKER 300
#define STALL_NS 300000000ll

struct progress {
	volatile long calls;
	volatile long nr;
	volatile long args[6];
};

static struct progress *prog;
static char *buf;     /* random bytes and a few paths: what "a valid pointer" points at */
static char *ro_page; /* mapped read-only */
static unsigned long long rng;
static int verbose;
static pid_t worker_pid;
static int devnull; /* opened once: a worker may well rename or unlink /dev/null itself */

static unsigned long long next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static long pick_arg(void)
{
	static const long fixed[] = { 0, 1, 2, 3, 4, 7, 8, 16, 64, 255, 256, 4095, 4096, 4097, 65536, -1, -2,
				      -100 /* AT_FDCWD */, 1023, 1024, 0x7fffffff, (long)0x80000000u, 0xffffffff,
				      -4096, 0x7fffffffffffffff, (long)0x8000000000000000ul };
	static const long ptrs[] = { 0x1000, (long)0xffff800000000000ul, (long)0xffffffff81000000ul,
				     0x0000800000000000, 0x00007ffffffff000, (long)0xfffffffffffff000ul };
	switch (next() % 8) {
	case 0: return fixed[next() % (sizeof fixed / sizeof fixed[0])];
	case 1: return ptrs[next() % (sizeof ptrs / sizeof ptrs[0])];
	case 2: return (long)(buf + next() % BUF_SIZE);
	case 3: return (long)(buf + BUF_SIZE - 1 - next() % 64); /* a buffer that ends soon */
	case 4: return (long)(ro_page + next() % 4096);
	case 5: return (long)(buf + 1024 * (next() % 8));  /* the real paths */
	case 6: return (long)(next() % 64);                /* small: fds, flags, signals */
	default: return (long)next();
	}
}

/* Keeps a call from ending the run on purpose: false to skip it; arguments aimed at other processes are
 * turned on the worker itself. */
static int tame(long nr, long *a)
{
	pid_t me = getpid();
	switch (nr) {
	case SYS_exit: case SYS_exit_group: case SYS_reboot: case SYS_kexec_load: case SYS_ptrace:
	case SYS_rt_sigreturn: /* a frame of random bytes: only ever ends the worker, and fast */
		return 0;
	case SYS_kill: case SYS_rt_sigqueueinfo: case SYS_pidfd_open: case SYS_process_vm_readv:
	case SYS_process_vm_writev: case SYS_sched_setparam: case SYS_sched_setscheduler:
		a[0] = me;
		return 1;
	case SYS_tgkill: case SYS_rt_tgsigqueueinfo:
		a[0] = me;
		a[1] = me;
		return 1;
	case SYS_tkill:
		a[0] = me;
		return 1;
	case SYS_prlimit64: case SYS_setpriority:
		a[1] = 0;
		if (nr == SYS_prlimit64) {
			a[0] = 0;
			a[1] = 4; /* RLIMIT_CORE: RLIMIT_CPU (0) would end the worker at once, as on Linux */
		}
		return 1;
	case SYS_clone: case SYS_clone3: case SYS_fork: case SYS_vfork:
		return next() % 4 == 0; /* now and then: a child that leaves at once (below) */
	default:
		return 1;
	}
}

static void worker(int index, unsigned long long seed, int calls)
{
	rng = (seed * 0x9e3779b97f4a7c15ull) ^ ((unsigned long long)index * 0xbf58476d1ce4e5b9ull) ^ 0x5bd1e995;
	if (!rng)
		rng = 1;
	for (int i = 0; i < BUF_SIZE; i++)
		buf[i] = (char)next();
	static const char *const paths[8] = { "/tmp/sysfuzz/f", "/proc/self/stat", "/dev/null", "/tmp/sysfuzz",
					      "/proc/self/fd/0", "/", "/tmp/sysfuzz/d/x", "." };
	for (int i = 0; i < 8; i++)
		strcpy(buf + 1024 * i, paths[i]);
	for (int i = 0; i < calls; i++) {
		long nr = (long)(next() % MAX_NR), a[6];
		for (int k = 0; k < 6; k++)
			a[k] = pick_arg();
		if (!tame(nr, a))
			continue;
		prog->nr = nr;
		for (int k = 0; k < 6; k++)
			prog->args[k] = a[k];
		prog->calls++;
		if (verbose) {
			printf("worker %d call %d: %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", index, i, nr, a[0], a[1],
			       a[2], a[3], a[4], a[5]);
			fflush(stdout);
		}
		long rc = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (rc == 0 && getpid() != worker_pid && (nr == SYS_clone || nr == SYS_clone3 || nr == SYS_fork ||
							 nr == SYS_vfork))
			_exit(0); /* the new process leaves at once (a vfork child must not return) */
	}
	_exit(0);
}

/* The worker's count, within what it can have made (it may have scribbled over the page itself). */
static long worker_calls(void)
{
	long c = prog->calls;
	return c < 0 ? 0 : c > CALLS_PER_WORKER ? CALLS_PER_WORKER : c;
}

/* Runs worker index and waits for it: 0 it ended, 1 it stalled and was killed, 3 it was lost. */
static int run_worker(int index, unsigned long long seed, long *calls)
{
	prog->calls = 0;
	fprintf(stderr, "worker %d\n", index); /* after a hang, the last of these names the worker to replay */
	pid_t w = fork();
	if (w < 0)
		return 0; /* out of processes for now: the next round tries again */
	if (w == 0) {
		setpgid(0, 0);
		worker_pid = getpid();
		for (int fd = 0; fd < 3; fd++) /* its random writes land in /dev/null, not in the run's output */
			if (fd != 1 || !verbose)
				dup2(devnull, fd);
		worker(index, seed, CALLS_PER_WORKER);
	}
	setpgid(w, w);
	long last = -1;
	long long since = now_ns();
	int st;
	for (;;) {
		pid_t r = waitpid(w, &st, WNOHANG);
		if (r == w)
			break;
		if (r < 0 && errno == ECHILD) {
			printf("sysfuzz: LOST worker %d (pid %d): wait4 cannot find it; last call %ld(%#lx, %#lx, %#lx)\n",
			       index, (int)w, prog->nr, prog->args[0], prog->args[1], prog->args[2]);
			return 3;
		}
		if (prog->calls != last) {
			last = prog->calls;
			since = now_ns();
		} else if (now_ns() - since > STALL_NS) {
			kill(-w, SIGKILL);
			kill(w, SIGKILL);
			waitpid(w, &st, 0);
			*calls += worker_calls();
			return 1;
		}
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
	}
	*calls += worker_calls();
	while (waitpid(-1, &st, WNOHANG) > 0)
		; /* its children, now ours */
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1;
	long secs = 10, max_calls = 0;
	int only = -1, opt;
	while ((opt = getopt(argc, argv, "s:t:n:w:v")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': secs = atol(optarg); break;
		case 'n': max_calls = atol(optarg); secs = 0; break;
		case 'w': only = atoi(optarg); break;
		case 'v': verbose = 1; break;
		default:
			fprintf(stderr, "usage: sysfuzz [-s SEED] [-t SECONDS | -n CALLS] [-w WORKER] [-v]\n");
			return 2;
		}
	}
	if (getpid() != 1) {
		fprintf(stderr, "sysfuzz: refusing to run as pid %d: run it under skiff, where it is the first process\n",
			(int)getpid());
		return 2;
	}
	prog = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (prog == MAP_FAILED || buf == MAP_FAILED || ro_page == MAP_FAILED)
		return 1;
	mkdir("/tmp", 01777);
	mkdir("/tmp/sysfuzz", 0755);
	mkdir("/tmp/sysfuzz/d", 0755);
	close(open("/tmp/sysfuzz/f", O_CREAT | O_WRONLY, 0644));
	chdir("/tmp/sysfuzz");
	devnull = fcntl(open("/dev/null", O_RDWR), F_DUPFD, 200);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	long calls = 0;
	int workers = 0, stalled = 0;
	long long end = now_ns() + secs * 1000000000ll;
	for (int w = only >= 0 ? only : 0;; w++) {
		int r = run_worker(w, seed, &calls);
		if (r == 3)
			return 3;
		stalled += r;
		workers++;
		if (only >= 0 || (secs ? now_ns() >= end : calls >= max_calls))
			break;
	}
	kill(-1, SIGKILL); /* anything a worker left behind (we are pid 1: not us) */
	while (wait(NULL) > 0)
		;
	printf("sysfuzz: seed %llu: %ld calls in %d workers (%d stopped for making no progress), no panic\n",
	       seed, calls, workers, stalled);
	return 0;
}
