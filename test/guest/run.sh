#!/bin/sh
# test/guest/run.sh: end-to-end tests of skiff, booting real guests under
# QEMU through tools/skiff and checking what reaches the host.
#
# Prints TAP and ends with one line "N passed, N failed, N skipped"; exits
# non-zero if any test failed.
#
# Environment:
#   SKIFF           the CLI to test (default: tools/skiff)
#   SKIFF_KERNEL    kernel image passed as --kernel (default: the CLI's own)
#   SKIFF_TEST_BIN  where the test programs were built (default: build/progs):
#                   hello argv_env-glibc argv_env-musl segv abort spin
#   BUSYBOX         a static busybox (default: /bin/busybox, from Debian's
#                   busybox-static package)

set -u

top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/test/lib/tap.sh"
. "$top/test/lib/guest.sh"

SKIFF=${SKIFF:-$top/tools/skiff}
BIN=${SKIFF_TEST_BIN:-$top/build/progs}
BUSYBOX=${BUSYBOX:-/bin/busybox}
QEMU=${SKIFF_QEMU:-qemu-system-x86_64}
# Generous: TCG is slow on a loaded CI machine, but nothing may hang.
TIMEOUT=60

test_tmp test

# ---------------------------------------------------------------- helpers


# expect_out_is FILE: stdout is exactly the contents of FILE.
expect_out_is() {
	if ! cmp -s "$1" "$tmp/out"; then
		fail "stdout differs from the expected output"
		echo "# diff expected actual:"
		diff "$1" "$tmp/out" | head -n 30 | tap_diag
		return 1
	fi
}

# need_bin NAME: the test program exists, else the test fails (the build
# is broken: that is not a reason to skip).
need_bin() {
	if [ ! -x "$BIN/$1" ]; then
		: >"$tmp/out"
		: >"$tmp/err"
		fail "$BIN/$1 is missing (build the test programs first)"
		return 1
	fi
}

# native ARGS...: busybox run natively the way the guest runs it: same
# environment, C locale, and UTC (the guest has no /etc/localtime).
native() {
	env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/ TERM=linux TZ=UTC LC_ALL=C "$BUSYBOX" "$@"
}

# ---------------------------------------------------------------- fixtures

# $data: a copy of test/guest/data plus a generated larger file, with fixed
# mtimes (a git checkout sets them to "now", and ls -l shows them). It goes
# into the guest at the same absolute path (--add's default), so commands
# and their output are byte-identical on the host and in the guest.
data=$tmp/data
make_data() {
	mkdir -p "$data" &&
		cp "$top"/test/guest/data/* "$data/" &&
		i=1 &&
		while [ "$i" -le 3000 ]; do
			printf 'line %d of a generated file, long enough to need several reads\n' "$i"
			i=$((i + 1))
		done >"$data/big.txt" &&
		chmod 644 "$data"/* &&
		touch -t 202001020304.05 "$data"/*
}

# ---------------------------------------------------------------- tests

t_demo() {
	name="demo: hello exits 0, greets, shows argv and auxv"
	need_bin hello || return
	sk "$BIN/hello" first second
	expect_status 0 &&
		expect_out_has "Hello from skiff!" &&
		expect_out_has 'argv[1] = "first"' &&
		expect_out_has "AT_PHDR = 0x" &&
		expect_out_has "AT_PAGESZ = 0x1000" &&
		expect_out_has "AT_ENTRY = 0x" &&
		expect_out_has "AT_RANDOM = 0x" &&
		expect_out_has "bye" &&
		pass
}

t_echo() {
	name="busybox echo hello"
	sk "$BUSYBOX" echo hello
	printf 'hello\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_hostname() {
	name="sethostname changes what uname, hostname and /proc/sys/kernel/hostname tell"
	sk "$BUSYBOX" sh -c 'hostname first.example; hostname; cat /proc/sys/kernel/hostname; uname -n;
		echo second > /tmp/h; hostname -F /tmp/h; hostname'
	printf 'first.example\nfirst.example\nfirst.example\nsecond\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_date() {
	name="date -s moves the wall clock (clock_settime): date reads it back after a sleep; /proc/uptime (the monotonic clock) does not jump"
	sk "$BUSYBOX" sh -c 'up0=$(cut -d" " -f1 /proc/uptime); date -u -s "2031-02-03 04:05:06" >/dev/null && date -u +%Y-%m-%d;
		sleep 1; date -u +%Y; up1=$(cut -d" " -f1 /proc/uptime); echo "$up0 $up1" | awk "{ print (\$2 - \$1 < 100) ? \"mono ok\" : \"mono jumped\" }"'
	printf '2031-02-03\n2031\nmono ok\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_false() {
	name="busybox false exits 1"
	sk "$BUSYBOX" false
	expect_status 1 && pass
}

t_stdin() {
	name="host stdin reaches the program (busybox cat)"
	printf 'piped line 1\npiped line 2\n' >"$tmp/expected"
	if [ -n "${SKIFF_KERNEL:-}" ]; then
		set -- --kernel "$SKIFF_KERNEL"
	fi
	"$SKIFF" run --timeout "$TIMEOUT" "$@" "$BUSYBOX" cat \
		<"$tmp/expected" >"$tmp/out" 2>"$tmp/err"
	st=$?
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

# compare_applet NAME ARGS...: busybox ARGS in the guest prints exactly
# what it prints natively.
compare_applet() {
	name=$1
	shift
	native "$@" >"$tmp/expected" 2>/dev/null
	nst=$?
	sk --add "$data" "$BUSYBOX" "$@"
	expect_status "$nst" && expect_out_is "$tmp/expected" && pass
}

t_ls() {
	# -n, not -l: user and group names come from /etc/passwd and
	# /etc/group, the guest's own, so compare the numeric ids cpio recorded.
	# The "total" line is dropped: it sums st_blocks, which depends on the
	# filesystem holding the files, so host and guest may rightly differ.
	name="busybox ls -ln DIR matches native"
	native ls -ln "$data" | grep -v '^total ' >"$tmp/expected"
	sk --add "$data" "$BUSYBOX" ls -ln "$data"
	grep -v '^total ' "$tmp/out" >"$tmp/out.ls"
	mv "$tmp/out.ls" "$tmp/out"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_cat() { compare_applet "busybox cat FILE matches native" cat "$data/poem.txt" "$data/partial.txt"; }
t_wc() { compare_applet "busybox wc FILE matches native" wc "$data/lines.txt" "$data/big.txt"; }
t_sha() { compare_applet "busybox sha256sum FILE matches native" sha256sum "$data/big.txt" "$data/poem.txt"; }
t_sort() { compare_applet "busybox sort FILE matches native" sort "$data/lines.txt"; }

# argv_env NAME BIN: a static-PIE program gets its argv and environment.
argv_env() {
	name=$1
	need_bin "$2" || return
	prog=$BIN/$2
	sk --env SKIFF_TEST=yes --env 'SPACED=a b  c' "$prog" one "two words" ""
	{
		printf 'argc=4\n'
		printf 'argv[0]=%s\n' "$prog"
		printf 'argv[1]=one\nargv[2]=two words\nargv[3]=\n'
		printf 'env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n'
		printf 'env=HOME=/root\nenv=TERM=linux\nenv=LANG=C.UTF-8\n'
		printf 'env=SKIFF_TEST=yes\nenv=SPACED=a b  c\n'
	} >"$tmp/expected"
	expect_status 42 && expect_out_is "$tmp/expected" && pass
}

t_argv_glibc() { argv_env "static-pie glibc argv_env exits 42 with its argv and env" argv_env-glibc; }
t_argv_musl() { argv_env "static-pie musl argv_env exits 42 with its argv and env" argv_env-musl; }

t_segv() {
	name="NULL dereference exits 139 with a one-line diagnostic"
	need_bin segv || return
	sk "$BIN/segv"
	expect_status 139 && expect_out_has "about to fault" || return
	lines=$(grep -c . "$tmp/err")
	[ "$lines" -eq 1 ] || { fail "$lines non-empty lines on stderr, expected 1"; return; }
	pass
}

t_abort() {
	name="abort() exits 134"
	need_bin abort || return
	sk "$BIN/abort"
	expect_status 134 && expect_out_has "about to abort" && pass
}

t_notelf() {
	name="a text file as PROGRAM exits 126 with a message"
	printf 'this is not an ELF file\n' >"$tmp/notelf.txt"
	chmod +x "$tmp/notelf.txt"
	sk "$tmp/notelf.txt"
	expect_status 126 || return
	[ -s "$tmp/err" ] || { fail "nothing on stderr"; return; }
	pass
}

t_missing_rootfs() {
	name="a PROGRAM missing from --rootfs exits 127"
	mkdir -p "$tmp/rootfs/bin"
	cp "$BUSYBOX" "$tmp/rootfs/bin/busybox"
	sk --rootfs "$tmp/rootfs" /bin/no-such-program
	expect_status 127 && pass
}

t_rootfs() {
	name="--rootfs: a program inside the root runs"
	mkdir -p "$tmp/rootfs/bin"
	cp "$BUSYBOX" "$tmp/rootfs/bin/busybox"
	sk --rootfs "$tmp/rootfs" /bin/busybox echo from-rootfs
	printf 'from-rootfs\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_missing_host() {
	# Pure CLI behaviour, no VM: like a shell, 127 and the shell's message.
	name="a PROGRAM missing on the host exits 127 (CLI)"
	sk "$tmp/no-such-program"
	expect_status 127 &&
		expect_err_has "$tmp/no-such-program: No such file or directory" &&
		pass
}

t_usage() {
	name="a usage error exits 125 (CLI)"
	sk --no-such-option "$BUSYBOX" true
	expect_status 125 && expect_err_has "unknown option" && pass
}

t_strace() {
	name="--strace names syscalls on stderr"
	sk --strace "$BUSYBOX" true
	expect_status 0 && expect_err_has "exit_group" && pass
}

t_timeout() {
	name="--timeout 1 stops a program that spins forever: 124, and one line says it was running (or waiting in nanosleep)"
	need_bin spin || return
	if [ -n "${SKIFF_KERNEL:-}" ]; then
		set -- --kernel "$SKIFF_KERNEL"
	fi
	start=$(date +%s)
	"$SKIFF" run --timeout 1 "$@" "$BIN/spin" </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	took=$(($(date +%s) - start))
	expect_status 124 || return
	# 1 s plus the initrd packing; far more means the kill did not work.
	[ "$took" -le 20 ] || { fail "took ${took}s"; return; }
	# one line, saying what the program was doing: busy, or waiting in which call
	[ "$(grep -c . "$tmp/err")" = 1 ] && expect_err_has "timed out after 1 seconds (it was running)" || return
	"$SKIFF" run --timeout 1 "$@" "$BUSYBOX" sleep 30 </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	expect_status 124 && expect_err_has "(it was waiting in " && grep -q "nanosleep)" "$tmp/err" ||
		{ fail "a sleeping program's timeout: $(head -c 300 "$tmp/err")"; return; }
	pass
}

t_iso() {
	name="--iso: boots through GRUB and runs busybox echo"
	sk --iso "$BUSYBOX" echo hello-from-iso
	printf 'hello-from-iso\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_panic() {
	name="a kernel panic reports file:line and registers, and ends with 125"
	sk --kernel-arg selftest=panic "$BUSYBOX" true
	expect_status 125 || return
	grep -q "kernel panic: selftest" "$tmp/err" && grep -q "at kernel/main.c:[0-9]" "$tmp/err" ||
		{ fail "no panic report on stderr"; return; }
	pass
}

t_kfault() {
	name="a page fault in the kernel panics with a register dump and 125"
	sk --kernel-arg selftest=fault "$BUSYBOX" true
	expect_status 125 || return
	grep -q "page fault (vector 14) in the kernel" "$tmp/err" && grep -q "rip [0-9a-f]" "$tmp/err" ||
		{ fail "no fault report on stderr"; return; }
	pass
}

t_sighandler() {
	name="a program's own SIGSEGV handler runs (and recovers with siglongjmp)"
	sk "$BIN/sighandler"
	expect_status 7 || return
	grep -q "^recovered$" "$tmp/out" || { fail "handler did not recover: $(head -c 200 "$tmp/out")"; return; }
	pass
}

t_processes() {
	name="busybox sh runs commands as processes: pipelines, \$(...), exit statuses, background jobs, wait"
	script='for i in 3 1 2; do /bin/busybox echo $i; done | /bin/busybox sort; x=$(/bin/busybox echo sub); echo "$x"; /bin/busybox sh -c "exit 7"; echo rc=$?; /bin/busybox sleep 0.1 & wait; echo waited; /bin/busybox echo piped | /bin/busybox tr a-z A-Z; echo end'
	"$BUSYBOX" sh -c "$script" </dev/null >"$tmp/expected" 2>&1
	sk "$BUSYBOX" sh -c "$script"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_cow() {
	name="fork shares memory copy-on-write: each side sees its own writes; a 32 MiB fork costs < 16 MiB"
	selfcheck cow --mem 128M
}

t_vdso() {
	name="the vDSO: libc's clock reads make no syscall and agree with the syscalls; novdso turns it off"
	sk --strace "$BIN/vdso" 100
	[ "$st" -eq 0 ] && grep -q '^vdso: yes' "$tmp/out" || { fail "status $st: $(tr '\n' ' ' <"$tmp/out")"; return; }
	# 100 raw syscalls in the loop, and at most a few from libc (the first read calibrates the clock)
	n=$(grep -c '^clock_gettime(' "$tmp/err")
	[ "$n" -ge 100 ] && [ "$n" -le 105 ] || { fail "$n clock_gettime syscalls with the vDSO (expected 100-105)"; return; }
	sk --strace --kernel-arg novdso "$BIN/vdso" 100
	[ "$st" -eq 0 ] && grep -q '^vdso: no' "$tmp/out" || { fail "novdso: status $st: $(tr '\n' ' ' <"$tmp/out")"; return; }
	n=$(grep -c '^clock_gettime(' "$tmp/err")
	[ "$n" -ge 300 ] || { fail "novdso: only $n clock_gettime syscalls (expected >= 300)"; return; }
	pass
}

t_bigroot() {
	name="a root that fills most of memory: runs with enough, a clear message (not a crash) without"
	mkdir -p "$tmp/big" && head -c 40000000 /dev/zero >"$tmp/big/blob"
	sk --mem 96M --add "$tmp/big" "$BUSYBOX" wc -c "$tmp/big/blob"
	[ "$st" -eq 0 ] && grep -q '^40000000 ' "$tmp/out" || { fail "96M: status $st: $(head -c 300 "$tmp/err")"; return; }
	sk --mem 48M --add "$tmp/big" "$BUSYBOX" true
	[ "$st" -eq 125 ] && grep -q 'does not fit in this VM' "$tmp/err" ||
		{ fail "48M: status $st: $(head -c 300 "$tmp/err")"; return; }
	rm -rf "$tmp/big"
	pass
}

# selfcheck PROGRAM [SKIFF-OPTIONS...]: a test program that checks itself (test/progs: one "not ok" line per
# failed check, then "N failed", exit status N) passes when it ends with "0 failed" and status 0.
selfcheck() {
	sc_prog=$1
	shift
	sk "$@" "$BIN/$sc_prog"
	[ "$st" -eq 0 ] && grep -q '^0 failed' "$tmp/out" || { fail "status $st: $(tr '\n' ' ' <"$tmp/out")"; return; }
	pass
}

t_pgrp() {
	name="process groups across processes: setpgid(child, child) as a job-control shell does, setsid in a child"
	selfcheck pgrp
}

t_kill() {
	name="kill acts on its target: kill -9 \$! in busybox sh ends the job (137); kill(-1) spares the sender and the first process"
	sk "$BUSYBOX" sh -c '/bin/busybox sleep 100 & kill -9 $!; wait $!; echo $?; /bin/busybox sleep 100 & kill $!; wait $!; echo $?'
	printf '137\n143\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" || return
	selfcheck killall
}

t_timeout_cmd() {
	name="coreutils timeout 1 sleep 5 ends the sleep with its POSIX timer's SIGALRM (124); timeout 5 sleep 0.2 exits 0"
	need /usr/bin/timeout /bin/sleep || return
	sk --add /bin/sleep /usr/bin/timeout 1 /bin/sleep 5
	expect_status 124 || return
	sk --add /bin/sleep /usr/bin/timeout 5 /bin/sleep 0.2
	expect_status 0 && pass
}

# The load average as Linux keeps it (samples of the runnable tasks every 5 s): 0.00 after 11 s of a guest
# that only sleeps, above 0 after 11 s of one busy loop; /proc/uptime's idle time, the sum of every CPU's as on
# Linux, grows by about N times the uptime while the guest sleeps on N CPUs (SKIFF_CPUS) and by about N - 1 times
# it while the loop keeps one busy: more than N - 1/2 and less than it. Only relations, never durations, are checked.
t_loadavg() {
	name="/proc/loadavg: 0.00 while the guest sleeps, rising while a loop spins; /proc/uptime's idle time (all CPUs')"
	sk "$BUSYBOX" sh -c '
		n=$(/bin/busybox nproc)
		read u0 i0 x </proc/uptime
		/bin/busybox sleep 11
		read a1 x </proc/loadavg
		read u1 i1 x </proc/uptime
		/bin/busybox sh -c "while :; do :; done" &
		/bin/busybox sleep 11
		read a2 x </proc/loadavg
		read u2 i2 x </proc/uptime
		kill $!
		echo "idle-load $a1 busy-load $a2"
		echo "asleep: up $u0 -> $u1 idle $i0 -> $i1; busy: up $u1 -> $u2 idle $i1 -> $i2"
		/bin/busybox awk -v a1="$a1" -v a2="$a2" -v u0="$u0" -v u1="$u1" -v u2="$u2" -v i0="$i0" -v i1="$i1" \
			-v i2="$i2" -v n="$n" "BEGIN {
			if (a1 != 0) print \"load not 0.00 while asleep\";
			if (a2 <= 0) print \"load not above 0 while busy\";
			if (i1 - i0 < (u1 - u0) * (n - 0.5)) print \"idle time did not grow while asleep\";
			if (i2 - i1 > (u2 - u1) * (n - 0.5)) print \"idle time grew while busy\";
		}"'
	echo "$(sed -n 1,2p "$tmp/out")" | tap_diag
	expect_status 0 || return
	if grep -q 'not\|did\|grew' "$tmp/out"; then
		fail "$(grep 'not\|did\|grew' "$tmp/out" | tr '\n' ';')"
		return
	fi
	grep -q '^idle-load ' "$tmp/out" || { fail "the script did not finish"; return; }
	pass
}

t_majflt() {
	name="getrusage ru_majflt: pages of a 9P volume's file read from the host are major faults, then minor"
	need_bin majflt || return
	mkdir -p "$tmp/mf" && head -c 262144 /dev/urandom >"$tmp/mf/data"
	sk -v "$tmp/mf:/vol" "$BIN/majflt" /vol/data
	expect_status 0 || return
	awk '$1 == "pass1" && $2 >= 64 { a = 1 } $1 == "pass2" && $2 == 0 && $3 >= 64 { b = 1 } END { exit !(a && b) }' \
		"$tmp/out" || { fail "expected 64 major faults, then none (64 minor)"; return; }
	pass
}

t_procpid() {
	name="/proc/<pid> of another process describes it (stat, status, cwd, fd), and goes when it is reaped"
	selfcheck procpid
}

t_pollcost() {
	name="epoll_wait with 1,000 idle sockets and one active examines O(1) items per wake (/proc/skiff/poll); poll and select sleep on the sockets' channels"
	selfcheck pollcost
}

t_firmware() {
	name="--firmware seabios and qboot both boot (qboot is the default when installed)"
	sk --firmware seabios "$BUSYBOX" echo via-seabios
	printf 'via-seabios\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" || return
	if [ ! -r /usr/share/qemu/qboot.rom ]; then
		skip "qboot.rom is not installed"
		return
	fi
	sk --firmware qboot "$BUSYBOX" echo via-qboot
	printf 'via-qboot\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

# SMP (issue 14, docs/tasks.md "SMP"): --cpus N gives the guest N CPUs, and programs run on all of them.
t_smp() {
	name="--cpus 2: two threads run at once on different CPUs (getcpu, rseq's cpu_id), their sum is right, 2 CPUs reported"
	sk --cpus 2 "$BIN/smpsum"
	printf 'cpus distinct\nglibc ok\ntotal 2000001000000\nnprocs 2\naffinity 2\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_smp_tlb() {
	name="--cpus 2: munmap and mprotect on one CPU reach another CPU's TLB (shootdown): the other thread's next read faults"
	sk --cpus 2 "$BIN/smptlb"
	printf 'munmap faulted\nmprotect faulted\napart yes\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_futexintr() {
	name="a futex wake is not lost while a process-wide signal that another thread took has the waiter off the queue (1 and 2 CPUs)"
	need_bin futexintr || return
	for n in 1 2; do
		sk --cpus "$n" "$BIN/futexintr" 300
		printf 'rounds 300 lost 0\n' >"$tmp/expected"
		expect_status 0 && expect_out_is "$tmp/expected" || return
	done
	pass
}

t_smp_shootdown() {
	name="--cpus 2: one munmap or mprotect of 64 pages is one TLB shootdown, 50 threads' ends none, 64 copy-on-write faults on pages no longer shared none (/proc/skiff/smp), with a thread running on the other CPU"
	need_bin smpshoot || return
	sk --cpus 2 "$BIN/smpshoot"
	printf 'munmap ok\nmprotect ok\nthreads ok\ncow ok\napart yes\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_smp_affinity() {
	name="--cpus 2: sched_setaffinity pins threads (getcpu stays on the pinned CPU with a third thread competing), sched_getaffinity gives the mask back, fork inherits it"
	sk --cpus 2 "$BIN/smpaffinity"
	printf 'main pinned to 1: ok\nthread pinned to 0: ok\ngetaffinity ok\nchild inherits ok\nunpinned ok\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_smp_exit() {
	name="--cpus 2: exit_group from the main thread or a thread while the others spin on other CPUs: status 7, nothing said"
	for m in main thread; do
		sk --cpus 2 "$BIN/smpexit" "$m"
		expect_status 7 || return
		[ ! -s "$tmp/err" ] || { fail "$m: stderr: $(head -c 300 "$tmp/err")"; return; }
	done
	pass
}

# More vCPUs than host cores (this machine has 2): the big lock must not stall every CPU while the vCPU whose
# turn it is waits for a host core (the ticket lock did: 3 to 5 round trips in 8 s, and time-outs).
t_smp_overcommit() {
	name="--cpus 4: two threads and two processes ping-pong through futexes at a useful rate (big lock under vCPU overcommit)"
	need_bin smpstress || return
	sk --cpus 4 "$BIN/smpstress" 5 futex
	printf 'futex ok\npipe skipped\nfork skipped\nsignal skipped\nmmap skipped\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" || return
	n=$(sed -n 's/^smpstress: futex threads: \([0-9]*\) pings.*/\1/p' "$tmp/err")
	[ "${n:-0}" -ge 500 ] || { fail "only ${n:-no} futex round trips in 5 s (at least 500 expected)"; return; }
	pass
}

# The stress test of issue 14: a minute at 4 vCPUs of futex ping-pong, pipe relays, fork/execve/posix_spawn/wait
# and pthread_create/join churn, signals between threads and mmap/munmap racing with readers, every count checked
# (test/progs/smpstress.c). A deadlock ends in the time-out, not a hang. The fork group was left out until
# 2026-12-07: at 4 vCPUs on this 2-core machine its workers sometimes made no progress for 20 s; forks there were
# 3-10 times faster after the per-thread GS base and the COW flush changes (docs/tasks.md), and it passed 6 of 6
# minute-long runs since (~1,140 of each fork kind per run, at load averages 3-5).
# It runs in the one-CPU pass only (its --cpus 4 is its own; make test's guest-cpus2 pass would repeat the minute).
# Its "whole-guest stall" (about one run in ten under load) was the TSC's calibration losing PIT wraps while the boot
# vCPU waited for a host core: the guest's clock ran 2.5-25 times slow (kernel/tsc_cal.c, test/unit test_tsccal).
t_smp_stress() {
	name="--cpus 4: a minute of futexes, pipes, forks, signals and munmap races: every count right, no stale read"
	need_bin smpstress || return
	case ${SKIFF_CPUS:-1} in 1) ;; *) skip "runs in the one-CPU pass (it asks for --cpus 4 itself)"; return ;; esac
	saved=$TIMEOUT
	TIMEOUT=150
	sk --cpus 4 "$BIN/smpstress" 60 futex,pipe,fork,signal,mmap
	TIMEOUT=$saved
	printf 'futex ok\npipe ok\nfork ok\nsignal ok\nmmap ok\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

# Filling the root (the packed RAM filesystem) or /dev/shm ends in ENOSPC, as a tmpfs root on Linux (half the
# memory), not in the OOM killer (stress-ng's aiol and copy-file stressors were killed writing into /).
t_rootfull() {
	name="dd into / and /dev/shm until they are full: ENOSPC, the shell goes on, the space comes back after rm"
	sk "$BUSYBOX" sh -c 'for f in /big /dev/shm/big; do dd if=/dev/zero of=$f bs=1M 2>&1 | grep -o "No space left on device"; rm $f; done
		dd if=/dev/zero of=/again bs=1M count=8 2>&1 | grep -o "8+0 records out"; echo still here'
	printf 'No space left on device\nNo space left on device\n8+0 records out\nstill here\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

# The program is the first process: its limits are those Linux's INIT_RLIMITS give init (stress-ng's mlock stressor
# sized a table from an unlimited RLIMIT_MEMLOCK and asked mmap for 18 EB).
t_rlimit_defaults() {
	name="the first process's resource limits are Linux's defaults for init (core 0, memlock 8 MiB, msgqueue 819200, nice and rtprio 0, nofile 1024/4096)"
	sk "$BUSYBOX" sh -c 'grep -E "core|locked|msgqueue|nice|realtime prio|open files|stack" /proc/self/limits | tr -s " "'
	printf '%s\n' "Max stack size 8388608 unlimited bytes " "Max core file size 0 unlimited bytes " \
		"Max open files 1024 4096 files " "Max locked memory 8388608 8388608 bytes " \
		"Max msgqueue size 819200 819200 bytes " "Max nice priority 0 0 " "Max realtime priority 0 0 " >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

# /sys/devices/system/cpu and node as glibc's sysconf, lscpu and libnuma read them (issue 14: "the guest sees N
# CPUs wherever Linux programs look").
t_sysfs_cpu() {
	name="--cpus 2: /sys/devices/system/cpu (online, possible, present, offline, cpuN/online, topology) and node0 describe two CPUs on one node"
	sk --cpus 2 "$BUSYBOX" sh -c 'cd /sys/devices/system/cpu && cat online possible present offline cpu1/online &&
		ls -d cpu? && test ! -e cpu0/online && cat cpu1/topology/core_id cpu1/topology/thread_siblings_list \
		cpu0/topology/core_siblings cpu0/topology/package_cpus_list ../node/online ../node/node0/cpulist &&
		grep sysfs /proc/mounts'
	printf '0-1\n0-1\n0-1\n\n1\ncpu0\ncpu1\n1\n1\n3\n0-1\n0\n0-1\nsysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" || return
	sk --cpus 1 "$BUSYBOX" cat /sys/devices/system/cpu/online /sys/devices/system/cpu/possible
	printf '0\n0\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_smp_machines() {
	name="--cpus 3 on pc and q35 (ACPI MADT), --cpus 2 on microvm (cpus=N) start every CPU; --cpus 1 (the default) starts one; bad --cpus refused"
	for m in "pc:3:ACPI MADT" "q35:3:ACPI MADT" "microvm:2:cpus= on the command line"; do
		mach=${m%%:*} n=${m#*:} src=${n#*:} n=${n%%:*}
		sk --machine "$mach" --cpus "$n" --verbose "$BUSYBOX" nproc
		printf '%s\n' "$n" >"$tmp/expected"
		expect_status 0 && expect_out_is "$tmp/expected" && expect_err_has "smp: $n CPUs listed ($src), $n online" || return
	done
	SKIFF_CPUS= sk --verbose "$BUSYBOX" nproc # the default, whatever SKIFF_CPUS the suite runs with
	printf '1\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" || return
	! grep -q "smp:" "$tmp/err" || { fail "one CPU, yet: $(grep -m1 "smp:" "$tmp/err")"; return; }
	for bad in 0 17 x; do
		sk --cpus "$bad" "$BUSYBOX" true
		expect_status 125 && expect_err_has "--cpus" || return
	done
	pass
}

t_fuzz() {
	name="80,000 syscalls with awkward arguments (bad and kernel pointers, huge sizes): no panic"
	for seed in 1 2 3 4; do
		sk --mem 256M "$BIN/fuzz" 20000 "$seed"
		# Only the kernel is under test: the program may scribble its own output (it writes random bytes to
		# whatever its fds became), but it must end normally and the kernel must not panic (125).
		[ "$st" -eq 0 ] || { fail "seed $seed: exit status $st"; return; }
	done
	pass
}

t_fragment() {
	name="only single free pages left (--mem 64M): sendfile, pipe, fork and /proc still work (no contiguous memory needed)"
	need_bin fragment || return
	sk --mem 64M "$BIN/fragment"
	expect_status 0 || return
	grep -q FAILED "$tmp/out" && { fail "$(grep FAILED "$tmp/out" | head -n 1)"; return; }
	pass
}

# newc NAME MODE [FILE]: one cpio newc entry (FILE's bytes as its data) on stdout.
newc() {
	nc_size=0
	[ -n "${3:-}" ] && nc_size=$(wc -c <"$3")
	nc_nlen=$((${#1} + 1))
	printf '070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x' 1 "$2" 0 0 1 0 "$nc_size" 0 0 0 0 "$nc_nlen" 0
	printf '%s\0' "$1"
	head -c $(((4 - (110 + nc_nlen) % 4) % 4)) /dev/zero
	[ -n "${3:-}" ] && cat "$3"
	head -c $(((4 - nc_size % 4) % 4)) /dev/zero
}

# boot_initrd FILE: boots the kernel on that initrd as it is (tools/skiff would repack it); sets $st from
# the control line, $tmp/out, $tmp/err and $tmp/klog from the serial lines.
boot_initrd() {
	for bi_f in out err klog control; do : >"$tmp/$bi_f"; done
	timeout "$TIMEOUT" "$QEMU" -M pc -m 128M -nodefaults -no-reboot -display none -monitor none -accel tcg \
		-cpu max -serial "file:$tmp/out" -serial "file:$tmp/err" -serial "file:$tmp/klog" \
		-serial "file:$tmp/control" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "${SKIFF_KERNEL:-$top/build/skiff.elf}" -initrd "$1" </dev/null >/dev/null 2>&1
	st=$(tr -d '\r' <"$tmp/control" | sed -n 's/^exit \([0-9]*\)$/\1/p' | tail -n 1)
	st=${st:-none}
}

t_initrd() {
	name="malformed initrds: status 125 and one clear line on stderr, never a fault or a panic"
	d=$tmp/initrd
	mkdir -p "$d"
	printf '/bin/busybox\0true\0' >"$d/argv"
	printf '/bin/busybox\0true' >"$d/argv-nonul"
	printf '/bin/busybox' >"$d/argv1-nonul"
	printf 'A=1\0B=2' >"$d/env-nonul"
	printf 'x' >"$d/x"
	trailer() { newc TRAILER!!! 0; }
	{ newc bin 16877; newc bin/busybox 33261 "$BUSYBOX"; } >"$d/base"
	{ cat "$d/base"; newc .skiff 16877; newc .skiff/argv 33188 "$d/argv"; trailer; } >"$d/good.cpio"
	{ cat "$d/base"; newc .skiff 16877; newc .skiff/argv 33188 "$d/argv-nonul"; trailer; } >"$d/argv.cpio"
	{ cat "$d/base"; newc .skiff 16877; newc .skiff/argv 33188 "$d/argv1-nonul"; trailer; } >"$d/argv1.cpio"
	{ cat "$d/base"; newc .skiff 16877; newc .skiff/argv 33188 "$d/argv"; newc .skiff/env 33188 "$d/env-nonul"
	  trailer; } >"$d/env.cpio"
	{ newc a 33188 "$d/x"; newc a/b 33188 "$d/x"; trailer; } >"$d/under.cpio"
	head -c 300000 "$d/good.cpio" >"$d/cut.cpio"
	{ printf '070707'; tail -c +7 "$d/good.cpio"; } >"$d/magic.cpio"
	{ printf '070701zz'; tail -c +9 "$d/good.cpio"; } >"$d/hex.cpio"
	boot_initrd "$d/good.cpio"
	[ "$st" = 0 ] || { fail "a well-formed initrd: status $st (the harness is broken): $(head -c 300 "$tmp/err")"; return; }
	for c in "argv:/.skiff/argv in the initrd is malformed" "argv1:/.skiff/argv in the initrd is malformed" "env:/.skiff/env in the initrd is malformed" \
		"under:entry a/b: a directory in its path is not a directory" "cut:file data runs past the end" \
		"magic:not a cpio newc archive" "hex:bad hex digit"; do
		boot_initrd "$d/${c%%:*}.cpio"
		lines=$(grep -c . "$tmp/err")
		if [ "$st" != 125 ] || [ "$lines" -ne 1 ] || ! grep -qF "${c#*:}" "$tmp/err" ||
			grep -q "kernel panic" "$tmp/klog"; then
			fail "${c%%:*}: status $st, $lines lines on stderr: $(head -c 300 "$tmp/err") $(grep -m1 "kernel panic" "$tmp/klog")"
			return
		fi
	done
	rm -rf "$d"
	pass
}

t_tail_follow() {
	name="coreutils tail -F follows a file another process appends to (inotify: its polling fallback would wait 100 s)"
	need /usr/bin/tail || return
	sk --rootfs / /bin/sh -c ': >/tmp/f; /usr/bin/tail -s 100 -F /tmp/f & sleep 1; echo appended-line >>/tmp/f; sleep 2; kill $!; wait; echo end'
	expect_status 0 && expect_out_has appended-line && expect_out_has end && pass
}

t_bomb() {
	name="a thread bomb and a fork bomb stop at threads-max with EAGAIN; the first process forks on afterwards"
	need_bin bomb || return
	sk --mem 48M "$BIN/bomb"
	expect_status 0 && expect_out_has "thread bomb:" && expect_out_has "fork bomb:" && pass
}

t_oom() {
	name="memory filled while opening /proc at --mem 64M: ENOMEM from open, the OOM killer's SIGKILL for the biggest process and one log line, no panic"
	need_bin oomfill || return
	sk --mem 64M --verbose "$BIN/oomfill"
	expect_status 0 && expect_out_has "the child was killed by signal 9" &&
		expect_out_has "/proc/meminfo afterwards: readable" && expect_err_has "Out of memory: Killed process 2 (oomfill)" || return
	lines=$(grep -c "Out of memory" "$tmp/err")
	[ "$lines" -eq 1 ] || { fail "$lines OOM log lines, expected 1"; return; }
	pass
}

t_oom_adj() {
	name="the OOM killer weighs /proc/PID/oom_score_adj: a small process at 1000 goes before a filler at -500"
	need_bin oomfill || return
	sk --mem 64M --verbose "$BIN/oomfill" adj
	expect_status 0 && expect_out_has "the oom_score_adj 1000 child was killed by signal 9" &&
		expect_out_has "the filler was killed by signal 9" || return
	first=$(grep -m1 "Out of memory" "$tmp/err")
	case $first in
	*"Killed process 2 (oomfill)"*) pass ;;
	*) fail "the first OOM victim was not the oom_score_adj 1000 child (pid 2): $first" ;;
	esac
}

t_kvm() {
	name="kvm"
	if [ ! -e /dev/kvm ]; then
		skip "/dev/kvm is absent"
		return
	fi
	# A VM with no machine at all: proves KVM itself opens and runs here.
	if ! echo quit | timeout 30 "$QEMU" -M none -accel kvm -nodefaults \
		-display none -monitor stdio >/dev/null 2>&1; then
		skip "KVM does not work on this host"
		return
	fi
	sk --accel kvm "$BUSYBOX" echo hello-kvm
	# QEMU reports an instruction KVM could not emulate (seen under nested
	# virtualization: STAC in the kernel's user copy): the host's limit,
	# not a wrong result; any other failure is a real one.
	if [ "$st" -ne 0 ] && grep -q "KVM internal error" "$tmp/err"; then
		skip "KVM internal error on this host: $(grep -m1 -o "emulation failure\|Suberror: [0-9]*" "$tmp/err")"
		return
	fi
	printf 'hello-kvm\n' >"$tmp/expected"
	expect_status 0 && expect_out_is "$tmp/expected" && pass
}

t_inplace() {
	name="initrd pages used in place stay private: writes through a private mapping, write(2) and a re-exec"
	need_bin inplace || return
	mkdir -p "$tmp/ip" && "$BIN/inplace" gen "$tmp/ip" || { fail "inplace gen failed on the host"; return; }
	sk --add "$tmp/ip" "$BIN/inplace" check "$tmp/ip"
	rm -rf "$tmp/ip"
	[ "$st" -eq 0 ] && grep -q "^0 failed" "$tmp/out" || { fail "status $st: $(tr "\n" " " <"$tmp/out")"; return; }
	pass
}

t_lazyclock() {
	name="the boot does not calibrate the TSC: a program that reads no clock never waits for it (with --timeout too)"
	need_bin inplace || return
	# one CPU whatever SKIFF_CPUS says, since starting other CPUs calibrates the TSC (docs/tasks.md "SMP")
	set -- --cpus 1
	[ -n "${SKIFF_KERNEL:-}" ] && set -- "$@" --kernel "$SKIFF_KERNEL"
	timeout 120 "$SKIFF" run "$@" "$BIN/inplace" clock </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	[ "$st" -eq 0 ] && grep -q '^0 failed' "$tmp/out" || { fail "status $st: $(tr '\n' ' ' <"$tmp/out")"; return; }
	# --timeout's deadline counts the timer's ticks until a clock is read: it calibrated the TSC at the
	# program's first tick (a 5 ms wait) before
	timeout 120 "$SKIFF" run "$@" --timeout 60 "$BIN/inplace" clock </dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	[ "$st" -eq 0 ] && grep -q '^0 failed' "$tmp/out" || { fail "--timeout: status $st: $(tr '\n' ' ' <"$tmp/out")"; return; }
	pass
}

t_notsc() {
	name="prctl PR_SET_TSC SIGSEGV: the child's rdtsc faults, its parent's does not, switch after switch"
	need_bin notsc || return
	sk "$BIN/notsc"
	[ "$st" -eq 0 ] && grep -q '^notsc ok' "$tmp/out" || { fail "status $st: $(tr '\n' ' ' <"$tmp/out")"; return; }
	pass
}

t_config() {
	name="/proc/config.gz is a valid gzip .config, and each syscall-backed option agrees with syscall_64.tbl"
	sk /bin/cat /proc/config.gz
	gzip -dc "$tmp/out" >"$tmp/cfg" 2>>"$tmp/err" && [ "$st" -eq 0 ] || { fail "status $st, not a gzip stream"; return; }
	grep -qx 'CONFIG_IKCONFIG_PROC=y' "$tmp/cfg" || { fail "no CONFIG_IKCONFIG_PROC=y"; return; }
	for pair in POSIX_MQUEUE:mq_open AIO:io_setup IO_URING:io_uring_setup BPF_SYSCALL:bpf USERFAULTFD:userfaultfd \
		KCMP:kcmp FHANDLE:name_to_handle_at CROSS_MEMORY_ATTACH:process_vm_readv PERF_EVENTS:perf_event_open \
		KEYS:keyctl SECCOMP:seccomp FANOTIFY:fanotify_init INOTIFY_USER:inotify_init1 SIGNALFD:signalfd4 \
		TIMERFD:timerfd_create EVENTFD:eventfd2 EPOLL:epoll_create1 FILE_LOCKING:flock MEMBARRIER:membarrier \
		RSEQ:rseq SYSVIPC:shmget MEMFD_CREATE:memfd_create FUTEX:futex NAMESPACES:unshare NUMA:mbind \
		CACHESTAT_SYSCALL:cachestat; do
		opt=${pair%%:*} call=${pair#*:}
		h=$(awk -v c="$call" '$2 == c { print $3 }' "$top/syscalls/syscall_64.tbl")
		if grep -qx "CONFIG_$opt=y" "$tmp/cfg"; then
			[ "$h" != "-" ] || { fail "CONFIG_$opt=y but $call is not implemented"; return; }
		elif grep -qx "# CONFIG_$opt is not set" "$tmp/cfg"; then
			[ "$h" = "-" ] || { fail "CONFIG_$opt is not set but $call is implemented ($h)"; return; }
		else
			fail "CONFIG_$opt is missing"
			return
		fi
	done
	pass
}

t_epipe() {
	name="skiff run yes | head -1: the program gets SIGPIPE when the host's reader goes (141, no message), EPIPE if it ignores it"
	set --
	[ -n "${SKIFF_KERNEL:-}" ] && set -- --kernel "$SKIFF_KERNEL"
	{
		"$SKIFF" run "$@" --timeout "$TIMEOUT" "$BUSYBOX" yes 2>"$tmp/err" </dev/null
		echo $? >"$tmp/st"
	} | head -n 1 >"$tmp/out"
	st=$(cat "$tmp/st")
	[ "$st" -eq 141 ] && [ "$(cat "$tmp/out")" = y ] && ! grep -q 'killed by' "$tmp/err" ||
		{ fail "status $st (expected 141, as yes | head -1 on Linux), out $(head -c 20 "$tmp/out"), err $(head -c 200 "$tmp/err")"; return; }
	{
		"$SKIFF" run "$@" --timeout "$TIMEOUT" "$BUSYBOX" sh -c 'trap "" PIPE; exec /bin/busybox yes' 2>"$tmp/err" </dev/null
		echo $? >"$tmp/st"
	} | head -n 1 >"$tmp/out"
	st=$(cat "$tmp/st")
	[ "$st" -eq 1 ] && grep -q 'Broken pipe' "$tmp/err" ||
		{ fail "SIGPIPE ignored: status $st (expected 1 and EPIPE's message), err $(head -c 200 "$tmp/err")"; return; }
	pass
}

t_ewrite() {
	name="skiff run yes >/dev/full: the program's writes fail with ENOSPC as the host's did (status 1, its message), no hang"
	set --
	[ -n "${SKIFF_KERNEL:-}" ] && set -- --kernel "$SKIFF_KERNEL"
	"$SKIFF" run "$@" --timeout "$TIMEOUT" "$BUSYBOX" yes >/dev/full 2>"$tmp/err" </dev/null
	st=$?
	"$BUSYBOX" yes >/dev/full 2>/dev/null
	native=$?
	[ "$st" -eq "$native" ] && grep -q 'No space left on device' "$tmp/err" ||
		{ fail "status $st (natively $native), err $(head -c 200 "$tmp/err")"; return; }
	pass
}

TESTS=${SKIFF_GUEST_TESTS:-"t_missing_host t_usage t_demo t_echo t_false t_stdin t_ls t_cat t_wc
t_sha t_sort t_argv_glibc t_argv_musl t_segv t_abort t_notelf t_rootfs
t_hostname t_date t_missing_rootfs t_strace t_timeout t_iso t_panic t_kfault t_sighandler t_processes t_cow t_vdso t_bigroot t_pgrp t_kill t_timeout_cmd t_loadavg t_majflt t_procpid t_pollcost t_firmware t_smp t_futexintr t_smp_tlb t_smp_shootdown t_smp_affinity t_smp_exit t_smp_overcommit t_smp_stress t_smp_machines t_sysfs_cpu t_rlimit_defaults t_rootfull t_fuzz t_oom t_oom_adj t_fragment t_initrd t_bomb t_tail_follow t_inplace t_lazyclock t_notsc t_config t_epipe t_ewrite t_kvm"}

main() {
	# shellcheck disable=SC2086 # split the list into words on purpose
	set -- $TESTS
	tap_plan $#
	make_data || {
		echo "Bail out! cannot create the test data in $data"
		printf '0 passed, %d failed, 0 skipped\n' $#
		exit 1
	}
	for t in $TESTS; do
		"$t"
	done
	tap_done
}

main
