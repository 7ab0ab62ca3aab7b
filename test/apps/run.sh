#!/bin/sh
# test/apps/run.sh: unmodified Debian programs (dynamically linked, with
# their shared libraries packed by tools/skiff) run under skiff exactly as
# they run natively: each case runs the same command on the host and in the
# guest and compares stdout and the exit status.
#
# Prints TAP and ends with one line "N passed, N failed, N skipped"; exits
# non-zero if any case failed. A case is skipped when the host lacks the
# program (.ci/run installs them all), or, with the reason, when it needs a
# kernel feature skiff does not have yet (fork, threads, signal handlers,
# sockets, mremap); any other difference is a failure.
#
# Environment:
#   SKIFF           the CLI to test (default: tools/skiff)
#   SKIFF_KERNEL    kernel image passed as --kernel (default: the CLI's own)
#   SKIFF_APPS_BIN  where test/apps/apps.mk built its programs (build/apps)
#   BUSYBOX         a static busybox, used as /bin/sh (default: /bin/busybox)
#   APPS            the cases to run, by function name (default: all)

set -u

top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/test/lib/tap.sh"
. "$top/test/lib/guest.sh"

SKIFF=${SKIFF:-$top/tools/skiff}
BIN=${SKIFF_APPS_BIN:-$top/build/apps}
BUSYBOX=${BUSYBOX:-/bin/busybox}
TIMEOUT=120
# Debian's own python3 (not a pyenv or venv one found first on PATH).
PYTHON=/usr/bin/python3
ENV_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

test_tmp apps

# ---------------------------------------------------------------- helpers

# native PROGRAM ARGS...: the same on the host, in the environment the
# guest gets (tools/skiff's defaults); sets $nst, fills $tmp/expected.
native() {
	env -i PATH="$ENV_PATH" HOME=/root TERM=linux LANG=C.UTF-8 "$@" \
		</dev/null >"$tmp/expected" 2>"$tmp/native.err"
	nst=$?
}

need_bin() {
	if [ ! -x "$BIN/$1" ]; then
		: >"$tmp/out"
		: >"$tmp/err"
		fail "$BIN/$1 is missing (make apps-bin)"
		return 1
	fi
}

# known_missing: the guest stopped on a kernel feature that is known not to
# exist yet; prints the reason. Only those make a case a skip.
known_missing() {
	if grep -q "can't fork\|fork: Function not implemented\|Cannot fork" "$tmp/err"; then
		echo "kernel: fork/clone not implemented yet"
	elif grep -q "pthread_create\|can't start new thread" "$tmp/err"; then
		echo "kernel: threads (clone) not implemented yet"
	else
		return 1
	fi
}

# judge: compare the guest's run with the native one.
judge() {
	if [ "$st" -ne "$nst" ] || ! cmp -s "$tmp/expected" "$tmp/out"; then
		if why=$(known_missing); then
			skip "$why"
			return 0
		fi
		if [ "$st" -ne "$nst" ]; then
			fail "exit status $st, native $nst"
		else
			fail "stdout differs from the native run"
		fi
		echo "# diff native guest:"
		diff "$tmp/expected" "$tmp/out" | head -n 20 | cut -c1-200 | tap_diag
		return 1
	fi
	pass
}

# compare NAME SKIFF-OPTIONS... -- PROGRAM ARGS...: the whole case.
compare() {
	name=$1
	shift
	c_opts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		c_opts="$c_opts $(quote "$1")"
		shift
	done
	shift
	native "$@"
	eval "sk $c_opts \"\$@\""
	judge
}

# quote WORD: WORD single-quoted for eval.
quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# ---------------------------------------------------------------- fixtures

# $data: files with fixed mtimes, added to the guest at the same absolute
# path so that a command and its output are the same on both sides.
data=$tmp/data
make_data() {
	mkdir -p "$data" || return 1
	i=1
	while [ "$i" -le 2000 ]; do
		printf 'line %d: the quick brown fox jumps over the lazy dog %d times\n' "$i" $((i * 7 % 13))
		i=$((i + 1))
	done >"$data/big.txt"
	i=1
	while [ "$i" -le 300 ]; do
		printf '%d\n' $(((i * 7919) % 1009 - 500))
		i=$((i + 1))
	done >"$data/numbers.txt"
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin' \
		'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' 'chroot:x:1000:1000::/home/chroot:/bin/sh' \
		>"$data/passwd"
	printf '%s\n' 'scale=20' '4*a(1)' 'e(1)' 'l(10)/l(2)' 's(1)^2+c(1)^2' 'sqrt(2)' '2^100' \
		'define f(n) { if (n < 2) return n; return f(n-1) + f(n-2); }' 'f(20)' >"$data/expr.bc"
	{
		echo 'create table t(id integer primary key, name text, v integer);'
		echo 'with recursive c(x) as (select 1 union all select x+1 from c where x < 10000)'
		echo "  insert into t(name, v) select 'n' || (x % 97), (x * 7919) % 10007 from c;"
		echo 'select count(*), sum(v), min(v), max(v), round(avg(v), 3) from t;'
		echo 'select name, count(*), sum(v) from t group by name order by sum(v) desc limit 5;'
		echo 'create index t_v on t(v);'
		echo 'select count(*) from t where v between 100 and 2000;'
	} >"$data/t.sql"
	cat >"$data/builtins.sh" <<'EOF'
#!/bin/sh
# Shell builtins only: no fork, no exec.
i=0
total=0
while [ "$i" -lt 50 ]; do
	i=$((i + 1))
	case $((i % 3)) in
	0) total=$((total + i)) ;;
	*) total=$((total - 1)) ;;
	esac
done
printf 'total=%d\n' "$total"
for w in alpha beta gamma; do
	printf '%s:%s\n' "$w" "${#w}"
done
set -- one two three
echo "args: $# last: $3"
x=hello.world.txt
echo "${x%%.*} ${x#*.} ${x%.txt}"
read -r first rest <<EOT
first line of a here-document
EOT
echo "$first|$rest"
exit 3
EOF
	chmod 755 "$data/builtins.sh"
	cat >"$data/files.py" <<'EOF'
import os, json
p = "/tmp/skiff-apps-test.json"
with open(p, "w") as f:
    json.dump({"squares": [i * i for i in range(20)], "name": "skiff"}, f)
with open(p) as f:
    d = json.load(f)
print(sum(d["squares"]), d["name"], os.path.getsize(p))
os.rename(p, p + ".old")
print(sorted(n for n in os.listdir("/tmp") if n.startswith("skiff-apps-test")))
os.unlink(p + ".old")
print(os.path.exists(p), os.path.exists(p + ".old"))
EOF
	chmod 644 "$data"/*.txt "$data/passwd" "$data"/*.bc "$data"/*.sql "$data"/*.py
	touch -t 202001020304.05 "$data"/* "$data"
}

# ---------------------------------------------------------------- cases

a_ls() {
	# Numeric ids (the guest has its own /etc/passwd), times as seconds;
	# "total" (st_blocks) and the directories' own sizes depend on the
	# filesystem, so they are left out.
	name="coreutils ls -lan DIR"
	native /usr/bin/ls -lan --time-style=+%s "$data"
	sk --add "$data" /usr/bin/ls -lan --time-style=+%s "$data"
	for f in expected out; do
		grep -v -e '^total ' -e ' \.$' -e ' \.\.$' "$tmp/$f" >"$tmp/$f.f"
		mv "$tmp/$f.f" "$tmp/$f"
	done
	judge
}

a_ls_etc() {
	# ls -la /etc of the guest's own /etc: what the packer put there.
	name="coreutils ls -la /etc shows the packed passwd, group, hostname, hosts, localtime"
	sk /usr/bin/ls -la /etc
	for f in passwd group hostname hosts localtime; do
		grep -q " $f\$" "$tmp/out" || { fail "no /etc/$f"; return; }
	done
	[ "$st" -eq 0 ] || { fail "exit status $st"; return; }
	pass
}

a_cat() { compare "coreutils cat" --add "$data" -- /usr/bin/cat "$data/passwd" "$data/numbers.txt"; }
a_head() { compare "coreutils head -n 5" --add "$data" -- /usr/bin/head -n 5 "$data/big.txt"; }
a_sort() { compare "coreutils sort -n" --add "$data" -- /usr/bin/sort -n "$data/numbers.txt"; }
a_wc() { compare "coreutils wc" --add "$data" -- /usr/bin/wc "$data/big.txt" "$data/numbers.txt"; }
a_sha() { compare "coreutils sha256sum" --add "$data" -- /usr/bin/sha256sum "$data/big.txt" "$data/passwd"; }
a_date() { compare "coreutils date -u -d @0" -- /usr/bin/date -u -d @0; }
a_grep() { compare "grep -c root" --add "$data" -- /usr/bin/grep -c root "$data/passwd"; }

a_grep_etc() {
	name="grep -c root /etc/passwd (the guest's passwd has one root line)"
	sk /usr/bin/grep -c root /etc/passwd
	printf '1\n' >"$tmp/expected"
	nst=0
	judge
}

a_gzip() {
	name="gzip -c FILE, then gzip -dc of the result"
	need /usr/bin/gzip || return
	native /usr/bin/gzip -c "$data/big.txt"
	sk --add "$data" /usr/bin/gzip -c "$data/big.txt"
	if [ "$st" -ne "$nst" ] || ! cmp -s "$tmp/expected" "$tmp/out"; then
		judge
		return
	fi
	cp "$tmp/out" "$data/big.txt.gz"
	native /usr/bin/gzip -dc "$data/big.txt.gz"
	sk --add "$data" /usr/bin/gzip -dc "$data/big.txt.gz"
	cmp -s "$tmp/expected" "$data/big.txt" || { fail "native gzip -dc does not give the file back"; return; }
	judge
}

a_bzip2() {
	name="bzip2 -c"
	need /usr/bin/bzip2 || return
	compare "bzip2 -c FILE" --add "$data" -- /usr/bin/bzip2 -c "$data/big.txt"
}

a_xz() {
	name="xz -c"
	need /usr/bin/xz || return
	compare "xz -c FILE" --add "$data" -- /usr/bin/xz -c "$data/big.txt"
}

a_sqlite() {
	name="sqlite3"
	need /usr/bin/sqlite3 || return
	compare "sqlite3 :memory: (create, insert 10,000 rows, aggregate)" --add "$data" -- \
		/usr/bin/sqlite3 :memory: ".read $data/t.sql"
}

a_lua() {
	name="lua5.4"
	need /usr/bin/lua5.4 || return
	compare "lua5.4 -e (numeric loop, string library)" -- /usr/bin/lua5.4 -e '
		local s = 0
		for i = 1, 100000 do s = s + i % 7 end
		local t = {}
		for w in string.gmatch("the quick brown fox", "%a+") do t[#t + 1] = string.upper(w) end
		print(s, table.concat(t, "-"), string.format("%5.2f|%x", math.pi, 48879))
		print(string.rep("ab", 3, ","), ("skiff"):reverse(), #"unikernel")
		os.exit(5)'
}

a_perl() {
	name="perl"
	need /usr/bin/perl || return
	compare "perl -e (regexes, hashes)" -- /usr/bin/perl -e '
		my %h; my $text = "the cat sat on the mat with the hat";
		$h{$_}++ for split /\s+/, $text;
		print join(",", map { "$_=$h{$_}" } sort keys %h), "\n";
		(my $t = $text) =~ s/(\w)at\b/${1}og/g; print "$t\n";
		my @m = ($text =~ /\b(\w{3})\b/g); print scalar(@m), " @m[0..2]\n";
		printf "%.6f %s\n", atan2(1, 1) * 4, join("", reverse split //, "skiff");
		exit 4;'
}

python_opts() {
	py_lib=$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_path("stdlib"))' 2>/dev/null)
	[ -d "$py_lib" ] || return 1
	# tools/skiff packs the standard library and sizes the memory by itself: no --add, no --mem.
	echo ""
}

a_python() {
	name="python3 -c"
	need "$PYTHON" || return
	py_opts=$(python_opts) || { skip "no python standard library found"; return; }
	# shellcheck disable=SC2086 # the options are words without spaces
	compare "python3 -c (json, re, math, hashlib, collections, datetime); python3 is ET_EXEC" \
		$py_opts -- "$PYTHON" -c '
import json, re, math, hashlib, collections, datetime
c = collections.Counter(re.findall(r"\w+", "a b a c b a"))
print(json.dumps({"counts": c, "pi": round(math.pi, 6)}, sort_keys=True))
print(hashlib.sha256(b"skiff").hexdigest(), hashlib.md5(b"skiff").hexdigest())
print(datetime.datetime(2024, 2, 29, 12, 0, tzinfo=datetime.timezone.utc) + datetime.timedelta(days=1))
print(math.factorial(30), math.gcd(1071, 462), collections.OrderedDict(a=1))
raise SystemExit(6)'
}

a_python_files() {
	name="python3 script"
	need "$PYTHON" || return
	py_opts=$(python_opts) || { skip "no python standard library found"; return; }
	# shellcheck disable=SC2086
	compare "python3 script reading and writing a file under /tmp" \
		$py_opts --add "$data" -- "$PYTHON" "$data/files.py"
}

a_python_socket() {
	name="python3 sockets"
	need "$PYTHON" || return
	py_opts=$(python_opts) || { skip "no python standard library found"; return; }
	# AF_UNIX end to end: a forked child reads 1 MiB that the parent sends through a socketpair (both sides
	# wait on each other), a listener on a path, select, datagrams, SCM_RIGHTS (socket.send_fds), then a
	# parent waiting in accept while a child waits in connect on a backlog of 0, and a thread waiting in recv.
	# shellcheck disable=SC2086
	compare "python3 AF_UNIX sockets: socketpair across fork, path listener, backlog waits, a thread, SCM_RIGHTS" \
		$py_opts -- "$PYTHON" -c '
import socket, os, hashlib, select
a, b = socket.socketpair()
pid = os.fork()
if pid == 0:
    a.close()
    h = hashlib.sha256()
    n = 0
    while True:
        d = b.recv(65536)
        if not d:
            break
        h.update(d)
        n += len(d)
    b.sendall(("%d %s" % (n, h.hexdigest())).encode())
    b.close()
    os._exit(0)
b.close()
blob = bytes(range(256)) * 4096
a.sendall(blob)
a.shutdown(socket.SHUT_WR)
got = b""
while True:
    d = a.recv(200)
    if not d:
        break
    got += d
print(got.decode(), got.decode() == "%d %s" % (len(blob), hashlib.sha256(blob).hexdigest()))
_, st = os.waitpid(pid, 0)
print("child", os.WEXITSTATUS(st))
os.chdir("/tmp")
path = "skiff-app-%d.sock" % os.getpid()
l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
l.bind(path)
l.listen(4)
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
c.connect(path)
s, peer = l.accept()
c.sendall(b"hello over a path")
print(s.recv(100), repr(peer), s.getsockname() == path.encode() or s.getsockname() == path)
print(select.select([s], [], [], 0)[0] == [], select.select([], [c], [], 0)[1] == [c])
d1, d2 = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
for m in (b"one", b"two", b"three"):
    d1.send(m)
print([d2.recv(10) for _ in range(3)])
r, w = os.pipe()
socket.send_fds(d1, [b"fd"], [r])
msg, fds, flags, addr = socket.recv_fds(d2, 10, 4)
os.write(w, b"through the passed fd")
print(msg, len(fds), os.read(fds[0], 100))
for x in (a, l, c, s, d1, d2):
    x.close()
os.unlink(path)
import threading, time
l = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
l.bind(path)
l.listen(0)
pid = os.fork()
if pid == 0:
    time.sleep(0.05)
    cs, ok = [], True
    for i in range(3):
        c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        c.connect(path)
        c.sendall(b"client %d" % i)
        cs.append(c)
    for i, c in enumerate(cs):
        ok = ok and c.recv(100) == b"reply %d" % i
    os._exit(0 if ok else 1)
for i in range(3):
    s, _ = l.accept()
    print("accepted", s.recv(100))
    s.sendall(b"reply %d" % i)
    s.close()
_, st = os.waitpid(pid, 0)
print("connecting child", os.WEXITSTATUS(st))
a, b = socket.socketpair()
t = threading.Thread(target=lambda: print("thread got", b.recv(100)))
t.start()
time.sleep(0.05)
a.send(b"to the thread")
t.join()
print("select times out", select.select([b], [], [], 0.05)[0] == [])
l.close()
os.unlink(path)'
}

a_bc() {
	name="bc -l"
	need /usr/bin/bc || return
	compare "bc -l on an expression file" --add "$data" -- /usr/bin/bc -l "$data/expr.bc"
}

a_musl() {
	name="musl"
	need_bin hello_musl || return
	compare "a dynamically linked musl program (musl-gcc)" -- "$BIN/hello_musl" 3 two
}

a_shell() {
	name="#!/bin/sh script of builtins, busybox as /bin/sh"
	[ -x "$BUSYBOX" ] || { skip "$BUSYBOX (busybox-static) is not installed"; return; }
	native "$data/builtins.sh"
	sk --add "$BUSYBOX:/bin/sh" --add "$data" "$data/builtins.sh"
	judge
}

a_exec() {
	name="execve chain: exec_a (PIE) execs exec_b"
	need_bin exec_a || return
	need_bin exec_b || return
	native "$BIN/exec_a" "$BIN/exec_b" x "y z"
	sk --add "$BIN/exec_b" "$BIN/exec_a" "$BIN/exec_b" x "y z"
	judge
}

a_make() {
	name="GNU make -j2: parallel jobs, each recipe a /bin/sh child, SIGCHLD through pselect6's mask"
	need /usr/bin/make || return
	[ -x "$BUSYBOX" ] || { skip "$BUSYBOX (busybox-static) is not installed"; return; }
	for d in "$tmp/mk-native" "$data/mk"; do
		mkdir -p "$d"
		# recipes of shell builtins only: the guest's /bin/sh is busybox and it has no other programs
		printf '%s\n' 'all: a.out b.out c.out d.out' \
			'	@for f in $^; do while read l; do echo "$$f: $$l"; done < $$f; done' \
			'%.out:' \
			'	@i=0; while [ $$i -lt 3 ]; do echo "$@ $$i" >> $@; i=$$((i+1)); done' >"$d/Makefile"
	done
	native /usr/bin/make -s -j2 -C "$tmp/mk-native" all
	sk --add "$BUSYBOX:/bin/sh" --add "$data" /usr/bin/make -s -j2 -C "$data/mk" all
	judge
}

a_tar() {
	name="tar -z: tar runs gzip through /bin/sh (which tools/skiff packs for a glibc program)"
	need /usr/bin/tar /usr/bin/gzip || return
	compare "tar -czf then tar -tzf, in /bin/sh -c" --add "$data" --add /usr/bin/gzip --add /usr/bin/tar -- \
		/bin/sh -c "tar -C '$data' -czf $tmp/t.tgz passwd numbers.txt && tar -tzf $tmp/t.tgz"
}

# cp -a and tar --xattrs keep user.* extended attributes (libattr's copy, tar's SCHILY.xattr records): on
# the host's disk natively, on the guest's tmpfs under skiff; the attributes each copy holds are printed.
a_xattr_tools() {
	name="cp -a and tar --xattrs keep user.* xattrs of files and directories"
	need /usr/bin/tar /usr/bin/cp "$PYTHON" || return
	compare "cp -a, tar --xattrs -c then -x" --add /usr/bin/cp --add /usr/bin/tar -- "$PYTHON" -c '
import os, shutil, subprocess, tempfile, zlib
d = tempfile.mkdtemp(dir="/tmp")
os.chdir(d)
os.makedirs("src/sub")
open("src/f", "w").write("data\n")
open("src/sub/g", "w").write("g\n")
os.symlink("f", "src/ln")
os.setxattr("src/f", "user.mime_type", b"text/plain")
os.setxattr("src/f", "user.empty", b"")
os.setxattr("src/sub", "user.dir", b"1")
os.setxattr("src/sub/g", "user.big", b"x" * 3000)
run = lambda *a: subprocess.run(a, check=True)
run("cp", "-a", "src", "copy")
run("tar", "--xattrs", "--xattrs-include=user.*", "-cf", "t.tar", "-C", "src", ".")
os.mkdir("untar")
run("tar", "--xattrs", "--xattrs-include=user.*", "-xf", "t.tar", "-C", "untar")
for top in ("copy", "untar"):
    for root, dirs, files in sorted(os.walk(top)):
        for p in [root] + sorted(os.path.join(root, n) for n in files):
            for n in sorted(os.listxattr(p, follow_symlinks=False)):
                v = os.getxattr(p, n, follow_symlinks=False)
                print(p, n, len(v), zlib.crc32(v))
shutil.rmtree(d)'
}

# setfattr/getfattr (package attr) and setfacl/getfacl (package acl): attributes set, dumped and removed; an
# access ACL with a named user and group, a default ACL inherited by a new file and directory (masked by their
# modes), chmod narrowing the mask, setfacl -b, cp -a carrying the ACLs; the host's disk against the guest's tmpfs.
a_acl_tools() {
	name="setfattr/getfattr and setfacl/getfacl: attributes, access and default ACLs, chmod, cp -a"
	need /usr/bin/setfattr /usr/bin/getfattr /bin/setfacl /bin/getfacl /usr/bin/cp || return
	compare "setfattr, getfattr, setfacl, getfacl" --add /usr/bin/setfattr --add /usr/bin/getfattr --add /bin/setfacl \
		--add /bin/getfacl --add /usr/bin/cp --add /usr/bin/stat --add /usr/bin/touch --add /usr/bin/mkdir \
		--add /usr/bin/chmod --add /usr/bin/rm -- /bin/sh -c '
d=/tmp/skiff-apps-acl; rm -rf $d; mkdir $d && cd $d || exit 9
echo hi >f
setfattr -n user.color -v blue f; setfattr -n user.empty f; setfattr -n trusted.t -v 1 f
getfattr -d -m - f; getfattr -n user.color --only-values f; echo
setfattr -x user.color f; getfattr -d f
setfattr -n user.x -v 1 missing; echo "status $?"
mkdir d; setfacl -m u:1000:rx,g:1001:rwx d; setfacl -d -m u:1000:rwx d; getfacl -n d
touch d/new; mkdir d/sub; getfacl -n d/new d/sub
chmod 750 d/new; getfacl -n d/new
setfacl -b d/new; getfacl -n d/new; stat -c %a d/new
getfattr -d -m - d
cp -a d d2 && getfacl -n d2/new d2/sub
cd / && rm -rf $d'
}

# ps_run: one guest that ps and top look at: a busy loop (B), a sleeper (S) and a process of three threads
# (T, test/apps/progs/threads.c), three seconds after they started; its stdout in $tmp/procs.out.
ps_run() {
	if [ ! -s "$tmp/procs.out" ]; then
		cat >"$data/procs.sh" <<EOF
/bin/busybox sh -c 'while :; do :; done' &
B=\$!
/bin/busybox sleep 100 &
S=\$!
$BIN/threads &
T=\$!
/bin/busybox sleep 3
echo "pids \$B \$S \$T"
/usr/bin/ps -o pid,stat,time,comm -p \$B,\$S
echo ps-L
/usr/bin/ps -L -o pid,lwp,stat,comm -p \$T
echo top
/usr/bin/top -b -n2 -d 0.5 -p \$B,\$S
echo "top status \$?"
kill -9 \$B \$S \$T
EOF
		sk --add "$data" --add /usr/bin/ps --add /usr/bin/top --add "$BUSYBOX:/bin/busybox" --add "$BUSYBOX:/bin/sh" \
			--add "$BIN/threads" /bin/busybox sh "$data/procs.sh"
		cp "$tmp/out" "$tmp/procs.out"
		ps_st=$st
	fi
	read -r _ B S T <<EOF
$(grep '^pids ' "$tmp/procs.out")
EOF
}

a_ps() {
	name="procps ps -o pid,stat,time,comm: a sleeper at 0:00, a busy loop at about its CPU time; ps -L lists threads"
	need /usr/bin/ps /usr/bin/top || return
	need_bin threads || return
	ps_run
	[ "$ps_st" -eq 0 ] || { fail "exit status $ps_st"; return; }
	# the header as natively (its words: the PID column's width follows kernel.pid_max, the host's may differ)
	hdr=$(env -i /usr/bin/ps -o pid,stat,time,comm -p $$ | head -n 1 | tr -s ' ' | sed 's/^ //')
	tr -s ' ' <"$tmp/procs.out" | sed 's/^ //' | grep -qxF "$hdr" || { fail "no header line '$hdr'"; return; }
	sl=$(awk -v p="$S" '$1 == p && NF == 4' "$tmp/procs.out" | head -n 1)
	bl=$(awk -v p="$B" '$1 == p && NF == 4' "$tmp/procs.out" | head -n 1)
	case $sl in *" S "*" 00:00:00 busybox") ;; *) fail "sleeper line '$sl': not S at 00:00:00"; return ;; esac
	# it had most of the 3 s (a little went to starting the others and ps): at least 1 s, not more than it lived
	case $bl in *" R "*" 00:00:0"[1-5]" busybox") ;; *) fail "busy line '$bl': not R at 1-5 s"; return ;; esac
	lwps=$(sed -n '/^ps-L$/,/^top$/p' "$tmp/procs.out" | awk -v p="$T" '$1 == p { print $2 " " $4 }')
	[ "$(echo "$lwps" | wc -l)" -eq 3 ] || { fail "ps -L: not 3 threads: $lwps"; return; }
	[ "$(echo "$lwps" | awk '{ print $1 }' | sort -u | wc -l)" -eq 3 ] || { fail "ps -L: LWPs not distinct"; return; }
	for c in threads worker-a worker-b; do
		echo "$lwps" | grep -q " $c\$" || { fail "ps -L: no thread named $c"; return; }
	done
	pass
}

a_top() {
	name="procps top -b -n2 runs and lists the busy loop (R) and the sleeper (S, 0:00.0x); %Cpu(s) busy"
	need /usr/bin/ps /usr/bin/top || return
	need_bin threads || return
	ps_run
	grep -q '^top status 0$' "$tmp/procs.out" || { fail "top failed"; return; }
	hdr=$(env -i TERM=dumb /usr/bin/top -b -n1 -p $$ | grep 'PID USER' | tr -s ' ' | sed 's/^ //')
	tr -s ' ' <"$tmp/procs.out" | sed 's/^ //' | grep -qF "$hdr" || { fail "no column header '$hdr'"; return; }
	tl=$(sed -n '/^top$/,$p' "$tmp/procs.out")
	echo "$tl" | awk -v p="$B" '$1 == p && $8 == "R" { f = 1 } END { exit !f }' ||
		{ fail "top: the busy loop is not listed as R"; return; }
	echo "$tl" | awk -v p="$S" '$1 == p && $8 == "S" && $11 ~ /^0:00\.0[0-9]$/ { f = 1 } END { exit !f }' ||
		{ fail "top: the sleeper is not listed as S at 0:00.0x"; return; }
	# top rereads /proc/stat on one descriptor (lseek 0): the CPU was busy in the half second between the two
	# frames, not idle (the first frame's interval is top's own start, often under one 10 ms clock tick: 100% idle
	# there is only rounding, natively too)
	idle=$(echo "$tl" | sed -n 's/^%Cpu(s):.*, *\([0-9.]*\) id,.*/\1/p' | tail -n 1)
	awk -v i="${idle:-100}" 'BEGIN { exit !(i < 50) }' || { fail "top: %Cpu(s) says ${idle}% idle while a loop spins"; return; }
	pass
}

# time_fields FILE: the names of GNU time -v's report lines, one a line.
time_fields() {
	sed -n 's/^\t\([^:]*\):.*/\1/p' "$1"
}

a_time() {
	name="/usr/bin/time -v of a CPU-bound loop: user time within 10% of elapsed, a plausible maximum RSS"
	need /usr/bin/time || return
	loop='i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done'
	env -i /usr/bin/time -v "$BUSYBOX" sh -c "$loop" 2>"$tmp/time.native"
	sk --add /usr/bin/time --add "$BUSYBOX:/bin/busybox" /usr/bin/time -v /bin/busybox sh -c "$loop"
	[ "$st" -eq 0 ] || { fail "exit status $st"; return; }
	time_fields "$tmp/time.native" >"$tmp/time.nf"
	time_fields "$tmp/err" >"$tmp/time.gf"
	cmp -s "$tmp/time.nf" "$tmp/time.gf" || { fail "the report's lines differ from the native one's"; return; }
	user=$(sed -n 's/^\tUser time (seconds): //p' "$tmp/err")
	el=$(sed -n 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/err")
	rss=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$tmp/err")
	nrss=$(sed -n 's/^\tMaximum resident set size (kbytes): //p' "$tmp/time.native")
	minflt=$(sed -n 's/^\tMinor (reclaiming a frame) page faults: //p' "$tmp/err")
	echo "guest: user $user s, elapsed $el, max RSS $rss kB, $minflt minor faults; native max RSS $nrss kB" | tap_diag
	awk -v u="$user" -v e="$el" 'BEGIN { n = split(e, p, ":"); s = p[n] + 60 * p[n - 1];
		exit !(s >= 0.2 && u >= 0.9 * s && u <= s + 0.02) }' ||
		{ fail "user time $user s is not within 10% of the elapsed $el"; return; }
	# busybox sh: a few hundred kB (natively, with its pages shared with the host's page cache, about as much)
	[ "${rss:-0}" -ge 100 ] && [ "$rss" -le 16384 ] || { fail "maximum RSS $rss kB is not plausible"; return; }
	[ "${minflt:-0}" -ge 10 ] || { fail "no minor page faults counted ($minflt)"; return; }
	pass
}

a_java() {
	# issue 11: Debian's default JDK on the live root. FileChannel.lock() is fcntl(F_SETLKW); a second JVM
	# (ProcessBuilder: posix_spawn, pipes read with available(), i.e. FIONREAD) finds the file locked, then free
	# after release(); 4 threads write into the locked file. Stdout and the status as natively, and nothing on
	# stderr: the JVM printed a warning when flock was missing.
	name="java (default JDK): FileChannel.lock() against a second JVM, 4 threads, as natively, stderr empty"
	need /usr/bin/java /usr/bin/javac || return
	mkdir -p "$tmp/java" && timeout 300 /usr/bin/javac -d "$tmp/java" "$top/test/apps/progs/LockThreads.java" ||
		{ fail "javac failed"; return; }
	native /usr/bin/java -cp "$tmp/java" LockThreads "$tmp/java/lock"
	[ "$nst" -eq 0 ] && [ ! -s "$tmp/native.err" ] || { fail "natively: status $nst, $(head -c 300 "$tmp/native.err")"; return; }
	rm -f "$tmp/java/lock"
	sk --rootfs / -v "$tmp/java:$tmp/java" /usr/bin/java -cp "$tmp/java" LockThreads "$tmp/java/lock"
	[ ! -s "$tmp/err" ] || { fail "the guest wrote to stderr"; return; }
	judge
}

a_man() {
	# man-db runs groff and its other helpers under a libseccomp sandbox (filters of many rules on the calls'
	# arguments): the page must come out as natively, with the filters installed (seccomp(SET_MODE_FILTER) = 0).
	name="man -P cat 2 pause (man-db, its helpers under libseccomp's filters) prints the page as natively"
	need /usr/bin/man || return
	[ -f /usr/share/man/man2/pause.2.gz ] || { skip "manpages-dev is not installed"; return; }
	native /usr/bin/man -P cat 2 pause
	sk --strace --rootfs / /usr/bin/man -P cat 2 pause
	grep -q '^seccomp(1, 0x0, 0x[0-9a-f]*) = 0$' "$tmp/err" || { fail "no seccomp filter was installed"; return; }
	judge
}

a_stressng() {
	# Debian's stress-ng: 24 stressors at once for 3 s (files, /dev/full, RLIMIT_FSIZE, kcmp, interface ioctls,
	# mlock, signals, timers, pipes, futexes, fork, epoll, SysV and POSIX IPC...), each checking its own results.
	# These found: pread on /dev/full (ESPIPE), fallocate past RLIMIT_FSIZE, kcmp's 12-byte epoll slot,
	# SIOCGIFCONF, an unlimited RLIMIT_MEMLOCK. It must end as natively: status 0, "successful run".
	name="stress-ng: 24 stressors at once for 3 s (files, limits, IPC, signals, timers, fork, ioctls), status 0"
	need /usr/bin/stress-ng || return
	set -- --full 1 --fsize 1 --kcmp 1 --netdev 1 --mlock 1 --dup 1 --get 1 --sigq 1 --timer 1 --pipe 1 --futex 1 \
		--fork 1 --epoll 1 --seek 1 --dir 1 --dentry 1 --eventfd 1 --msg 1 --sem-sysv 1 --mq 1 --clock 1 --rlimit 1 \
		--prctl 1 --sysinfo 1 -t 3
	(mkdir -p "$tmp/sng" && cd "$tmp/sng" && native /usr/bin/stress-ng "$@" && exit "$nst")
	nst=$?
	[ "$nst" -eq 0 ] || { fail "natively: status $nst, $(tail -c 300 "$tmp/native.err")"; return; }
	sk /usr/bin/stress-ng "$@"
	[ "$st" -eq 0 ] && grep -q "successful run completed" "$tmp/err" ||
		{ fail "status $st: $(grep -v "info:" "$tmp/err" | head -c 400)"; return; }
	pass
}

a_stressng_oom() {
	# stress-ng's bigheap and brk workers at --cpus 2 grow until the OOM killer ends them, again and again: the
	# boot CPU's first idle came only then and found no memory for its idle stack (a kernel panic, 3 runs in 3).
	# (The panic came in about 3 runs of 4 with four workers: two runs.)
	name="stress-ng bigheap at --cpus 2: out of memory again and again, the run still ends well (twice)"
	need /usr/bin/stress-ng || return
	for run in 1 2; do
		sk --cpus 2 /usr/bin/stress-ng --bigheap 4 -t 3
		[ "$st" -eq 0 ] && grep -q "successful run completed" "$tmp/err" ||
			{ fail "run $run: status $st: $(grep -v "info:" "$tmp/err" | head -c 400)"; return; }
	done
	pass
}

a_pty_script() {
	# util-linux script(1): openpty, a child in its own session with the slave as its controlling terminal
	# (TIOCSCTTY), the shell's output through the slave's ONLCR to the master, and the end (EIO) when it exits.
	name="script -qc 'echo hi' /dev/null: a shell on a pseudo-terminal, its output as natively (hi\\r\\n)"
	need /usr/bin/script || return
	compare "$name" -- /usr/bin/script -qc 'echo hi' /dev/null
}

a_pty_python() {
	name="python3 os.openpty, pty.fork and pty.spawn (test/apps/progs/ptyspawn.py) print as natively"
	need "$PYTHON" || return
	py_opts=$(python_opts) || { skip "no python standard library found"; return; }
	# shellcheck disable=SC2086
	compare "$name" $py_opts --add "$top/test/apps/progs/ptyspawn.py" -- "$PYTHON" "$top/test/apps/progs/ptyspawn.py"
}

a_pty_tmux() {
	# tmux: a server (fork, a unix socket) runs a shell command on a pseudo-terminal of its own; capture-pane
	# reads what the command wrote to it.
	name="tmux new -d 'echo ...' then capture-pane -p: the pane shows the command's output as natively"
	need /usr/bin/tmux /usr/bin/sleep /usr/bin/head || return
	sock=/tmp/skiff-apps-tmux-$$.sock # a path the guest has too
	compare "$name" --add /usr/bin/tmux --add /usr/bin/sleep --add /usr/bin/head -- /bin/sh -c \
		"tmux -S $sock new -d -x 60 -y 10 'echo hello from tmux; sleep 5'; sleep 2; tmux -S $sock capture-pane -p | head -3; tmux -S $sock kill-server; echo done"
}

a_pty_jobs() {
	name="bash -i on a pty (python pty.fork): sleep 100, ^Z Stopped, jobs, fg, ^C (130), exit 7, as natively"
	need "$PYTHON" /bin/bash /bin/sleep || return
	py_opts=$(python_opts) || { skip "no python standard library found"; return; }
	# shellcheck disable=SC2086
	compare "$name" $py_opts --add /bin/bash --add /bin/sleep --add "$top/test/apps/progs/ptyjobs.py" -- \
		"$PYTHON" "$top/test/apps/progs/ptyjobs.py"
}

a_stressng_pty() {
	# stress-ng's pty stressor: as many pairs as it can open, each slave's termios, termio, locked termios,
	# window size, FIONREAD, TIOCOUTQ and tcflow ioctls, then all closed, for 2 s; at one CPU and at two.
	name="stress-ng --pty 1 -t 2 ends with a successful run, at --cpus 1 and --cpus 2"
	need /usr/bin/stress-ng || return
	(mkdir -p "$tmp/sng" && cd "$tmp/sng" && native /usr/bin/stress-ng --pty 1 -t 2 && exit "$nst")
	nst=$?
	[ "$nst" -eq 0 ] || { fail "natively: status $nst, $(tail -c 300 "$tmp/native.err")"; return; }
	for c in 1 2; do
		sk --cpus "$c" /usr/bin/stress-ng --pty 1 -t 2
		[ "$st" -eq 0 ] && grep -q "successful run completed" "$tmp/err" ||
			{ fail "--cpus $c: status $st: $(grep -v "info:" "$tmp/err" | head -c 400)"; return; }
	done
	pass
}

a_ss() {
	name="iproute2 ss"
	need "$PYTHON" /usr/bin/ss || return
	py_opts=$(python_opts) || { skip "no python standard library found"; return; }
	# A TCP listener on 127.0.0.1 and a Unix one on a path, then ss -tlnp and ss -xl: ss asks NETLINK_SOCK_DIAG
	# (without it, it says "Cannot open netlink socket" and reads /proc/net). Only these two sockets' lines are
	# compared (the host has others), with the port, pid and inode numbers made words; ss's filters (sport =, src)
	# go to the kernel as a filter program (INET_DIAG_REQ_BYTECODE).
	# shellcheck disable=SC2086
	compare "iproute2 ss -tlnp, ss -tln with filters and ss -xl list a TCP and a Unix listener, through NETLINK_SOCK_DIAG" \
		$py_opts --add /usr/bin/ss -- "$PYTHON" -c '
import socket, subprocess, os, re
t = socket.socket()
t.bind(("127.0.0.1", 0))
t.listen(7)
port = str(t.getsockname()[1])
path = "/tmp/skiff-ss-test.sock"
if os.path.exists(path):
    os.unlink(path)
u = socket.socket(socket.AF_UNIX)
u.bind(path)
u.listen(3)
def ss(args, key):
    r = subprocess.run(["/usr/bin/ss"] + args, capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if key in line.split():
            line = line.replace(":" + port + " ", ":PORT ")
            line = re.sub(r"pid=\d+", "pid=PID", line)
            w = line.split()
            print(" ".join(w[:5] + (w[5:] if "-tlnp" in args else [])))
    print("ss", " ".join(args).replace(port, "PORT"), "status", r.returncode, "stderr", repr(r.stderr.strip()))
ss(["-tlnp"], "127.0.0.1:" + port)
ss(["-tln", "sport", "=", ":" + port], "127.0.0.1:" + port)
ss(["-tln", "src", "10.0.0.0/8"], "127.0.0.1:" + port)
ss(["-xl"], path)
os.unlink(path)'
}

APPS_ALL="a_ls a_ls_etc a_cat a_head a_sort a_wc a_sha a_date a_grep a_grep_etc a_gzip a_bzip2
a_xz a_sqlite a_lua a_perl a_python a_python_files a_python_socket a_bc a_musl a_shell a_exec a_make a_tar a_xattr_tools a_acl_tools
a_ps a_top a_time a_java a_man a_stressng a_stressng_oom a_pty_script a_pty_python a_pty_tmux a_pty_jobs a_stressng_pty a_ss"

main() {
	# shellcheck disable=SC2086 # split the lists into words on purpose
	set -- ${APPS:-$APPS_ALL}
	n=$#
	tap_plan "$n"
	make_data || {
		echo "Bail out! cannot create the test data in $data"
		printf '0 passed, %d failed, 0 skipped\n' "$n"
		exit 1
	}
	for t in "$@"; do
		"$t"
	done
	tap_done
}

main
