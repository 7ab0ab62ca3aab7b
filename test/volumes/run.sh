#!/bin/sh
# test/volumes/run.sh: host directories in the guest (tools/skiff run -v HOST:GUEST[:ro], issue 10): what a
# program does on a volume is on the host when `skiff run` returns, byte for byte as native tools make it;
# :ro refuses writes; the guest cannot reach past what was shared. Each case boots skiff under QEMU.
#
# Prints TAP and ends with one line "N passed, N failed, N skipped"; exits non-zero if any case failed.
# Environment: SKIFF (default tools/skiff), SKIFF_KERNEL (a kernel image for --kernel), CASES (by name).

set -u

top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/test/lib/tap.sh"
. "$top/test/lib/guest.sh"

SKIFF=${SKIFF:-$top/tools/skiff}
TIMEOUT=180
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
test_tmp volumes

# tree_facts DIR: one line per entry below DIR (sorted): path, type, mode, size, link target, link count,
# mtime in seconds, and a checksum of regular files' bytes. Two trees are the same when these are.
tree_facts() {
	(cd "$1" && find . -mindepth 1 -printf '%P %y %m %s %l %n %T@\n' | sed 's/\.[0-9]* *$//' | sort &&
		find . -type f -exec md5sum {} + | sort -k2)
}

# A tree with what tar must keep: nested directories, modes, an empty file, a symlink, a hard link, a
# file with a space in its name, a large file, and set mtimes.
make_tree() {
	mkdir -p "$1/a/b/c" "$1/empty dir" &&
	printf 'hello\n' >"$1/a/hello.txt" &&
	: >"$1/a/b/empty" &&
	head -c 300000 /dev/urandom >"$1/a/b/c/big.bin" &&
	printf 'x' >"$1/with space" &&
	ln -s ../hello.txt "$1/a/b/link" &&
	ln "$1/a/hello.txt" "$1/a/hard" &&
	chmod 0750 "$1/a/b" && chmod 0600 "$1/a/b/empty" && chmod 0755 "$1/a/hello.txt" &&
	touch -h -d '2001-02-03 04:05:06' "$1/a/b/link" &&
	find "$1" -not -type l -exec touch -d '2020-01-02 03:04:05' {} +
}

v_sqlite() {
	name="sqlite3 fills a database on a volume; the host's sqlite3 reads the same rows"
	need /usr/bin/sqlite3 || return
	mkdir -p "$tmp/db" || return
	sk -v "$tmp/db:/data" /usr/bin/sqlite3 /data/my.db \
		"create table t(x integer, s text); insert into t values(1,'one'),(2,'two'); select count(*) from t;"
	expect_status 0 || return
	got=$(sqlite3 "$tmp/db/my.db" 'select x, s from t order by x;' 2>&1 | tr '\n' ' ')
	[ "$got" = "1|one 2|two " ] || { fail "the host reads '$got'"; return; }
	pass
}

v_sqlite_timeout() {
	name="sqlite3 killed by --timeout mid-way: what it committed is on the host"
	need /usr/bin/sqlite3 /bin/busybox || return
	mkdir -p "$tmp/dbt" || return
	"$SKIFF" run --timeout 8 -v "$tmp/dbt:/data" --add /usr/bin/sqlite3 /bin/busybox sh -c \
		'/usr/bin/sqlite3 /data/t.db "create table t(x); insert into t values(42);" && echo committed && sleep 600' \
		</dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	[ "$st" -ne 0 ] || { fail "exit status 0: the timeout did not end it"; return; }
	expect_out_has committed || return
	got=$(sqlite3 "$tmp/dbt/t.db" 'select x from t;' 2>&1)
	[ "$got" = 42 ] || { fail "the host reads '$got'"; return; }
	pass
}

# Extended attributes on a volume are the host file's (9P Txattrwalk/Txattrcreate): each side reads what the
# other set; on the live root a set copies the file up and leaves the host's untouched.
v_xattr() {
	name="xattrs on a volume: the guest reads the host's and the host the guest's; on the live root a set copies up"
	need /usr/bin/python3 || return
	mkdir -p "$tmp/xa" && echo host >"$tmp/xa/h" && rm -f "$tmp/xa/g" || return
	python3 -c "import os; os.setxattr('$tmp/xa/h', 'user.host', b'fromhost')" 2>/dev/null ||
		{ skip "the host filesystem keeps no user xattrs"; return; }
	sk --rootfs / -v "$tmp/xa:/data" /usr/bin/python3 -c "
import os
open('/data/g', 'w').write('x')
os.setxattr('/data/g', 'user.skiff', b'fromguest')
print(os.getxattr('/data/h', 'user.host').decode(), os.listxattr('/data/h'))
os.setxattr('/etc/hostname', 'user.layer', b'1')
print(os.getxattr('/etc/hostname', 'user.layer').decode())"
	expect_status 0 && expect_out_has "fromhost ['user.host']" || return
	got=$(python3 -c "import os; print(os.getxattr('$tmp/xa/g', 'user.skiff').decode(), os.listxattr('/etc/hostname'))")
	[ "$got" = "fromguest []" ] || { fail "the host reads: $got"; return; }
	pass
}

# The live root's copy-up takes the lower file's extended attributes along (a set of another name, a write):
# the guest still reads the host's; the host's file keeps only its own. Under /var/tmp: the guest's /tmp is
# its own, so a host file there would be out of its sight.
v_live_xattr() {
	name="--rootfs / (live): a copy-up (setxattr, a write) keeps the lower file's xattrs; the host's file is unchanged"
	need /usr/bin/python3 || return
	lx=$(mktemp -d /var/tmp/skiff-lx.XXXXXX) || return
	echo lower >"$lx/f" && echo lower >"$lx/g" || return
	python3 -c "import os; [os.setxattr('$lx/' + n, 'user.lower', n.encode()) for n in 'fg']" 2>/dev/null ||
		{ rm -rf "$lx"; skip "the host filesystem keeps no user xattrs"; return; }
	sk --rootfs / /usr/bin/python3 -c "
import os
os.setxattr('$lx/f', 'user.up', b'1')
print('f', sorted(os.listxattr('$lx/f')), os.getxattr('$lx/f', 'user.lower').decode())
open('$lx/g', 'a').write('more')
print('g', os.listxattr('$lx/g'), os.getxattr('$lx/g', 'user.lower').decode(), open('$lx/g').read().split())"
	got=$(python3 -c "import os; print(os.listxattr('$lx/f'), open('$lx/g').read().strip())")
	rm -rf "$lx"
	expect_status 0 || return
	expect_out_has "f ['user.lower', 'user.up'] f" && expect_out_has "g ['user.lower'] g ['lower', 'more']" || return
	[ "$got" = "['user.lower'] lower" ] || { fail "the host's files changed: $got"; return; }
	pass
}

# POSIX ACLs on the live root: setting one copies the file up and keeps it there, where it decides access
# (a named user may write a 0600 root file) and a directory's default ACL shapes what is made in it; the host's
# files get none.
v_live_acl() {
	name="--rootfs / (live): POSIX ACLs set on host files live in the copy-up: enforced, inherited; the host's files unchanged"
	need /usr/bin/python3 || return
	la=$(mktemp -d /var/tmp/skiff-la.XXXXXX) || return
	chmod 755 "$la" && echo lower >"$la/f" && chmod 600 "$la/f" && mkdir "$la/d" || return
	sk --rootfs / /usr/bin/python3 -c "
import os, struct
acl = struct.pack('<I', 2) + b''.join(struct.pack('<HHI', t, p, i) for t, p, i in
    [(1, 6, 2**32 - 1), (2, 6, 1000), (4, 4, 2**32 - 1), (0x10, 6, 2**32 - 1), (0x20, 0, 2**32 - 1)])
f, d = '$la/f', '$la/d'
print('before', os.listxattr(f), flush=True)
os.setxattr(f, 'system.posix_acl_access', acl)
print('mode', oct(os.stat(f).st_mode & 0o777), len(os.getxattr(f, 'system.posix_acl_access')), os.listxattr(f), flush=True)
pid = os.fork()
if pid == 0:
    os.setgid(1000); os.setuid(1000)
    try:
        open(f, 'r+').write('x'); print('user 1000 writes', flush=True)
    except OSError as e:
        print('user 1000', e.errno, flush=True)
    os._exit(0)
os.waitpid(pid, 0)
os.setxattr(d, 'system.posix_acl_default', acl)
os.umask(0o077)
open(d + '/new', 'w').close()
print('new', oct(os.stat(d + '/new').st_mode & 0o777), len(os.getxattr(d + '/new', 'system.posix_acl_access')))"
	got=$(python3 -c "import os; print(os.listxattr('$la/f'), os.listxattr('$la/d'), oct(os.stat('$la/f').st_mode & 0o777), os.path.exists('$la/d/new'))")
	rm -rf "$la"
	expect_status 0 || return
	expect_out_has "before []" && expect_out_has "mode 0o660 44 ['system.posix_acl_access']" || return
	expect_out_has "user 1000 writes" && expect_out_has "new 0o660 44" || return
	[ "$got" = "[] [] 0o600 False" ] || { fail "the host's files changed: $got"; return; }
	pass
}

# reboot(2) (busybox poweroff -f, reboot -f) ends the VM with status 0; what the program wrote to a volume, through
# the page cache and a shared mapping, is on the host first (Linux's reboot leaves that to the caller).
v_poweroff() {
	name="poweroff -f / reboot -f (reboot(2)) end the VM with status 0, the volume's files written back first"
	need /bin/busybox || return
	mkdir -p "$tmp/pw" || return
	for cmd in poweroff reboot; do
		"$SKIFF" run -v "$tmp/pw:/data" /bin/busybox sh -c "echo via-$cmd >/data/$cmd; echo before; $cmd -f; echo after" \
			</dev/null >"$tmp/out" 2>"$tmp/err"
		st=$?
		[ "$st" -eq 0 ] || { fail "$cmd: exit status $st: $(head -c 300 "$tmp/err")"; return; }
		[ "$(cat "$tmp/out")" = before ] || { fail "$cmd: stdout: $(head -c 200 "$tmp/out")"; return; }
		[ "$(cat "$tmp/pw/$cmd" 2>&1)" = "via-$cmd" ] || { fail "$cmd: the host reads '$(cat "$tmp/pw/$cmd" 2>&1)'"; return; }
	done
	pass
}

v_tar_x() {
	name="tar -x in the guest onto a volume gives the tree native tar -x gives (modes, links, mtimes, bytes)"
	need /usr/bin/tar || return
	mkdir -p "$tmp/src" "$tmp/native" "$tmp/vx" || return
	make_tree "$tmp/src" && (cd "$tmp/src" && tar -cf "$tmp/a.tar" .) || { fail "cannot make the tree"; return; }
	(cd "$tmp/native" && tar -xpf "$tmp/a.tar") || return
	cp "$tmp/a.tar" "$tmp/vx/a.tar" && mkdir "$tmp/vx/out" || return
	sk -v "$tmp/vx:/vol" /usr/bin/tar -xpf /vol/a.tar -C /vol/out
	expect_status 0 || return
	tree_facts "$tmp/native" >"$tmp/facts.native"
	tree_facts "$tmp/vx/out" >"$tmp/facts.guest"
	cmp -s "$tmp/facts.native" "$tmp/facts.guest" ||
		{ fail "the trees differ"; diff "$tmp/facts.native" "$tmp/facts.guest" | head -20 | tap_diag; return; }
	pass
}

v_tar_c() {
	name="tar -c in the guest of a volume's tree lists as native tar -c of it does"
	need /usr/bin/tar || return
	mkdir -p "$tmp/vc/tree" || return
	make_tree "$tmp/vc/tree" || return
	(cd "$tmp/vc/tree" && tar -cf "$tmp/native.tar" --sort=name .) || return
	sk -v "$tmp/vc:/vol" /usr/bin/tar -cf /vol/guest.tar --sort=name -C /vol/tree .
	expect_status 0 || return
	tar -tvf "$tmp/native.tar" >"$tmp/list.native" && tar -tvf "$tmp/vc/guest.tar" >"$tmp/list.guest" ||
		{ fail "cannot list the archives"; return; }
	cmp -s "$tmp/list.native" "$tmp/list.guest" ||
		{ fail "the archives differ"; diff "$tmp/list.native" "$tmp/list.guest" | head -20 | tap_diag; return; }
	rm -rf "$tmp/xn" "$tmp/xg" && mkdir "$tmp/xn" "$tmp/xg" &&
		tar -xpf "$tmp/native.tar" -C "$tmp/xn" && tar -xpf "$tmp/vc/guest.tar" -C "$tmp/xg" || return
	tree_facts "$tmp/xn" >"$tmp/f1" && tree_facts "$tmp/xg" >"$tmp/f2"
	cmp -s "$tmp/f1" "$tmp/f2" || { fail "the extracted archives differ"; return; }
	pass
}

v_shell_ops() {
	name="a shell's file operations on a volume reach the host: create, append, rename, truncate, chmod, rm, symlink"
	need /bin/busybox || return
	mkdir -p "$tmp/ops" && printf 'keep\n' >"$tmp/ops/old" && printf 'gone\n' >"$tmp/ops/del" || return
	sk -v "$tmp/ops:/w" /bin/busybox sh -c 'cd /w && echo one >f && echo two >>f && mv old renamed &&
		rm del && chmod 0640 f && ln -s f sl && mkdir -p d/e && echo 123456 >t && truncate -s 3 t &&
		touch -d "2010-05-06 07:08:09" f && cat f && ls'
	expect_status 0 || return
	[ "$(cat "$tmp/ops/f")" = "one
two" ] || { fail "f holds '$(cat "$tmp/ops/f")'"; return; }
	[ -e "$tmp/ops/renamed" ] && [ ! -e "$tmp/ops/old" ] && [ ! -e "$tmp/ops/del" ] ||
		{ fail "rename or rm did not reach the host"; return; }
	[ "$(stat -c %a "$tmp/ops/f")" = 640 ] || { fail "mode $(stat -c %a "$tmp/ops/f")"; return; }
	[ "$(readlink "$tmp/ops/sl")" = f ] || { fail "no symlink"; return; }
	[ -d "$tmp/ops/d/e" ] || { fail "no d/e"; return; }
	[ "$(cat "$tmp/ops/t")" = 123 ] || { fail "truncate: '$(cat "$tmp/ops/t")'"; return; }
	[ "$(date -r "$tmp/ops/f" +%Y%m%d%H%M%S)" = 20100506070809 ] || { fail "mtime $(date -r "$tmp/ops/f")"; return; }
	pass
}

v_readonly() {
	name=":ro volumes refuse writes with EROFS and read as usual"
	need /bin/busybox || return
	mkdir -p "$tmp/ro" && printf 'data\n' >"$tmp/ro/f" || return
	sk -v "$tmp/ro:/ro:ro" /bin/busybox sh -c 'cat /ro/f; echo x >/ro/new; echo x >>/ro/f; mkdir /ro/d; rm /ro/f;
		grep " /ro " /proc/mounts'
	expect_out_has data || return
	expect_err_has "Read-only file system" || return
	expect_out_has "/ro 9p ro," || return
	[ "$(ls "$tmp/ro")" = f ] && [ "$(cat "$tmp/ro/f")" = data ] || { fail "the host directory changed"; return; }
	pass
}

v_escape() {
	name="a volume cannot be escaped: '..' and symlinks pointing outside resolve in the guest, not on the host"
	need /bin/busybox || return
	mkdir -p "$tmp/esc/in" && printf 'secret\n' >"$tmp/esc/secret" || return
	ln -s "$tmp/esc/secret" "$tmp/esc/in/abs" && ln -s ../secret "$tmp/esc/in/rel" && ln -s ../../../.. "$tmp/esc/in/up" ||
		return
	sk -v "$tmp/esc/in:/data" /bin/busybox sh -c 'cat /data/abs; cat /data/rel; cat /data/../secret;
		cat /data/up/etc/hostname; cat /data/up/secret; ls /data/..'
	grep -q secret "$tmp/out" && { fail "the guest read a host file outside the volume"; return; }
	expect_out_has skiff || return
	pass
}

v_exec_mmap() {
	name="a program on a volume runs (exec from 9P), and a shared mapping's writes reach the host file"
	need /bin/busybox || return
	mkdir -p "$tmp/ex" && cp "$top/build/progs/hello" "$tmp/ex/hello" || { fail "no build/progs/hello"; return; }
	sk -v "$tmp/ex:/bin2" /bin/busybox sh -c /bin2/hello
	expect_status 0 || return
	grep -q . "$tmp/out" || { fail "no output"; return; }
	pg=$(getconf PAGESIZE)
	{ head -c "$pg" /dev/zero | tr '\0' A; head -c "$pg" /dev/zero | tr '\0' B; head -c "$pg" /dev/zero | tr '\0' C; } \
		>"$tmp/expected"
	for how in munmap exit; do
		sk -v "$tmp/ex:/w" "$top/build/progs/mapwrite" /w/m.$how $how
		expect_status 0 || return
		cmp -s "$tmp/expected" "$tmp/ex/m.$how" || { fail "after $how the host file differs"; return; }
	done
	"$SKIFF" run --timeout 8 -v "$tmp/ex:/w" "$top/build/progs/mapwrite" /w/m.msync msync \
		</dev/null >"$tmp/out" 2>"$tmp/err"
	expect_out_has synced || return
	cmp -s "$tmp/expected" "$tmp/ex/m.msync" || { fail "after msync and --timeout the host file differs"; return; }
	"$SKIFF" run --timeout 8 -v "$tmp/ex:/w" "$top/build/progs/mapwrite" /w/m.wait wait \
		</dev/null >"$tmp/out" 2>"$tmp/err"
	st=$?
	expect_status 124 && expect_out_has written && expect_err_has "timed out after 8 seconds" || return
	cmp -s "$tmp/expected" "$tmp/ex/m.wait" || { fail "--timeout did not write the mapping back first"; return; }
	pass
}

v_p9_signals() {
	# 3 processes stat files on a volume under a 1 ms SIGALRM each: a task with a signal pending that found
	# the 9P session busy halted without ever letting its owner run again, and the VM hung (fs/p9_client.c)
	name="3 processes on a volume under a 1 ms SIGALRM each: 1000 stats apiece finish (no hang waiting for the 9P session)"
	mkdir -p "$tmp/sig" && : >"$tmp/sig/f0" || { fail "mkdir"; return; }
	TIMEOUT=60 sk -v "$tmp/sig:/w" "$top/build/progs/p9sig" /w 1000
	expect_status 0 && expect_out_has "p9sig: 1000 stats x 3, SIGALRM handled" || return
	pass
}

# stat and fstat of one file agree on st_dev and st_ino (glibc's tzset rereads /etc/localtime on every
# localtime() when they do not: initdb's time zone probe took 47 s), for a host file, one copied up and a directory.
v_live_sys() {
	name="--rootfs / (live): the host's /sys is hidden by the guest's own (devices/system/{cpu,node}, the empty block device lists): glibc counts the guest's CPUs"
	need /usr/bin/getconf /bin/busybox || return
	sk --rootfs / --cpus 2 /bin/busybox sh -c 'echo "sys: $(ls -A /sys | /bin/busybox tr "\n" " ")"; echo "cpus: $(/usr/bin/getconf _NPROCESSORS_ONLN) $(/usr/bin/getconf _NPROCESSORS_CONF)"; cat /sys/devices/system/cpu/online'
	expect_status 0 && expect_out_has "sys: block class dev devices " && expect_out_has "cpus: 2 2" && expect_out_has "0-1" && pass
}

v_live_python() {
	name="--rootfs / (live): python3 imports json, sqlite3, ssl from the host's own files; stat and fstat agree on st_dev and st_ino"
	need /usr/bin/python3 || return
	sk --rootfs / /usr/bin/python3 -c 'import json, sqlite3, ssl, os; print(json.dumps([1]))
open("/etc/skiff-new", "w").write("x")
for p in ("/etc/passwd", "/etc/skiff-new", "/etc"):
    s, f = os.stat(p), os.fstat(os.open(p, os.O_RDONLY))
    print(p, "agree" if (s.st_dev, s.st_ino) == (f.st_dev, f.st_ino) else "differ: stat %d:%d fstat %d:%d" % (s.st_dev, s.st_ino, f.st_dev, f.st_ino))'
	expect_status 0 && expect_out_has '[1]' && expect_out_has "/etc/passwd agree" &&
		expect_out_has "/etc/skiff-new agree" && expect_out_has "/etc agree" && pass
}

# snapshot: what the host has under /etc and /var/tmp (names, sizes, mtimes, and the bytes of the files the
# cases below change), to compare after a live-root run.
snapshot() {
	{ ls -la --time-style=full-iso /etc /var/tmp; md5sum /etc/hostname /etc/passwd; } 2>&1
}

v_live_untouched() {
	name="--rootfs / (live): creating, appending to, renaming and deleting under /etc and /var is seen by the program; the host is unchanged"
	need /bin/busybox || return
	snapshot >"$tmp/snap.before"
	sk --rootfs / /bin/busybox sh -c 'set -e; echo extra >>/etc/hostname; tail -n 1 /etc/hostname; echo new >/etc/skiff-t;
		mv /etc/skiff-t /var/tmp/skiff-moved; cat /var/tmp/skiff-moved; rm /etc/passwd; test ! -e /etc/passwd;
		mkdir -p /var/tmp/skiff-d/e; echo f >/var/tmp/skiff-d/e/f; rm -r /var/tmp/skiff-d; test ! -e /var/tmp/skiff-d;
		ls /etc | grep -c . >/dev/null; echo done'
	expect_status 0 && expect_out_has extra && expect_out_has new && expect_out_has done || return
	snapshot >"$tmp/snap.after"
	cmp -s "$tmp/snap.before" "$tmp/snap.after" ||
		{ fail "the host's files changed"; diff "$tmp/snap.before" "$tmp/snap.after" | head | tap_diag; return; }
	pass
}

v_live_layer() {
	name="--rootfs DIR (live): copy-up keeps bytes, whiteouts hide, a directory made again is empty, listings merge; DIR unchanged"
	need /bin/busybox || return
	mkdir -p "$tmp/lr/bin" "$tmp/lr/d/sub" && cp /bin/busybox "$tmp/lr/bin/busybox" &&
		printf 'lower\n' >"$tmp/lr/d/a" && printf 'b\n' >"$tmp/lr/d/sub/b" && ln -s a "$tmp/lr/d/link" || return
	(cd "$tmp/lr" && find . -printf '%P %m %s %T@\n' | sort) >"$tmp/lr.before"
	sk --rootfs "$tmp/lr" /bin/busybox sh -c 'cd /d && echo upper >>a && cat a && cat link && touch new &&
		ls | tr "\n" " " && echo && rm -r sub && mkdir sub && ls sub | wc -l && mv d2 x 2>/dev/null; mv /d /moved;
		ls /moved | tr "\n" " "; echo; test ! -e /d && echo gone'
	expect_status 0 || return
	expect_out_has "upper" && expect_out_has "a link new sub" && expect_out_has "gone" || return
	grep -qx 0 "$tmp/out" || { fail "the directory made again is not empty"; return; }
	(cd "$tmp/lr" && find . -printf '%P %m %s %T@\n' | sort) >"$tmp/lr.after"
	cmp -s "$tmp/lr.before" "$tmp/lr.after" || { fail "DIR changed"; diff "$tmp/lr.before" "$tmp/lr.after" | tap_diag; return; }
	pass
}

# in_dir DIR ARGS...: sk ARGS with DIR as the host's working directory (in this shell: sk sets $st).
in_dir() {
	cd "$1" || return
	shift
	sk "$@"
	cd "$top" || exit 1
}

v_live_cwd() {
	name="--rootfs DIR (live): the program starts in the host's working directory seen from DIR (relative arguments resolve as on the host); outside DIR, at /"
	need /bin/busybox || return
	mkdir -p "$tmp/cw/bin" "$tmp/cw/proj/sub" && cp /bin/busybox "$tmp/cw/bin/busybox" &&
		printf 'rel\n' >"$tmp/cw/proj/sub/f.txt" || return
	in_dir "$tmp/cw/proj/sub" --rootfs "$tmp/cw" /bin/busybox sh -c 'pwd; cat f.txt'
	expect_status 0 && expect_out_has /proj/sub && expect_out_has rel || return
	in_dir "$tmp" --rootfs "$tmp/cw" /bin/busybox pwd
	expect_status 0 || return
	[ "$(cat "$tmp/out")" = / ] || { fail "outside DIR: pwd gave '$(cat "$tmp/out")', expected /"; return; }
	in_dir "$tmp/cw/proj" --rootfs "$tmp/cw" --workdir /bin /bin/busybox pwd
	expect_status 0 || return
	[ "$(cat "$tmp/out")" = /bin ] || { fail "--workdir /bin: pwd gave '$(cat "$tmp/out")'"; return; }
	pass
}

v_packed_args() {
	name="packed root: arguments naming host files are packed at their paths (relative ones under /, the working directory): python3 script.py, cat data"
	need /bin/busybox || return
	mkdir -p "$tmp/pa/d" && printf 'first\n' >"$tmp/pa/d/data.txt" && printf 'abs\n' >"$tmp/pa/abs.txt" || return
	in_dir "$tmp/pa" /bin/busybox cat d/data.txt "$tmp/pa/abs.txt"
	expect_status 0 && expect_out_has first && expect_out_has abs || return
	if [ -x /usr/bin/python3 ]; then
		printf 'import json, sys\nprint(json.dumps(sys.argv[1:]))\n' >"$tmp/pa/s.py" || return
		in_dir "$tmp/pa" /usr/bin/python3 s.py x
		expect_status 0 && expect_out_has '["x"]' || return
	fi
	pass
}

v_live_rw() {
	name="--rootfs DIR:rw (live): writes go through to DIR"
	need /bin/busybox || return
	mkdir -p "$tmp/rw/bin" && cp /bin/busybox "$tmp/rw/bin/busybox" || return
	sk --rootfs "$tmp/rw:rw" /bin/busybox sh -c 'echo through >/made && mkdir /dir'
	expect_status 0 || return
	[ "$(cat "$tmp/rw/made" 2>/dev/null)" = through ] && [ -d "$tmp/rw/dir" ] || { fail "DIR lacks what was written"; return; }
	pass
}

v_host_change() {
	name="a file the host changes while the program runs is seen by the program (new bytes, new size, a new file)"
	need /bin/busybox || return
	mkdir -p "$tmp/hc" && printf 'old\n' >"$tmp/hc/f" || return
	"$SKIFF" run --timeout 120 -v "$tmp/hc:/v" /bin/busybox sh -c 'cat /v/f; echo ready >/v/ready;
		while [ "$(cat /v/f)" = old ]; do sleep 0.2; done; cat /v/f; while [ ! -e /v/later ]; do sleep 0.2; done;
		cat /v/later' </dev/null >"$tmp/out" 2>"$tmp/err" &
	vm=$!
	pids="$pids $vm"
	i=0
	while [ ! -e "$tmp/hc/ready" ] && [ $i -lt 600 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	printf 'new and longer\n' >"$tmp/hc/f.tmp" && mv "$tmp/hc/f.tmp" "$tmp/hc/f" && printf 'later\n' >"$tmp/hc/later"
	wait "$vm"
	st=$?
	expect_status 0 && expect_out_has "new and longer" && expect_out_has later && pass
}

v_iso() {
	name="-v with --iso: the volume is mounted and written as with -kernel"
	need /bin/busybox /usr/bin/grub-mkrescue || return
	mkdir -p "$tmp/iso" || return
	sk --iso -v "$tmp/iso:/data" /bin/busybox sh -c 'echo from-iso >/data/f'
	expect_status 0 || return
	[ "$(cat "$tmp/iso/f" 2>/dev/null)" = from-iso ] || { fail "the host file is missing"; return; }
	pass
}

CASES_ALL="v_host_change v_iso v_live_sys v_live_python v_live_untouched v_live_layer v_live_rw v_live_cwd v_packed_args v_sqlite v_sqlite_timeout v_poweroff v_xattr v_live_xattr v_live_acl v_tar_x v_tar_c v_shell_ops v_readonly v_escape v_exec_mmap v_p9_signals"
for c in ${CASES:-$CASES_ALL}; do
	"$c"
done
tap_done
