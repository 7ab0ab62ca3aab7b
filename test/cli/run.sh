#!/bin/sh
# test/cli/run.sh: what tools/skiff itself does for a user: volumes (-v), PATH lookup, `#!` interpreters, the
# runtimes' standard libraries, /etc/passwd and /etc/group, memory sizing, --add of broken ELF files, signals
# to skiff passed on to the program (test/cli/stop.sh).
# tools/skiff runs build/skiff (tools/cli, C); the cases run with SKIFF_NO_FALLBACK=1 (main), so that they check
# its own path, except SHELL_CASES and the packed --rootfs runs, which need tools/skiff.sh.
# Cases that only check what the CLI would boot use test/cli/fake-qemu.sh (SKIFF_QEMU) and boot nothing;
# the others boot skiff under QEMU and check the program's output.
#
# Prints TAP and ends with one line "N passed, N failed, N skipped"; exits non-zero if any case failed.
# A case is skipped when the host lacks an optional runtime (.ci/run installs those the suite needs).
#
# Environment:
#   SKIFF           the CLI to test (default: tools/skiff)
#   SKIFF_KERNEL    kernel image passed as --kernel (default: the CLI's own)
#   CASES           the cases to run, by function name (default: all)

set -u

top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/test/lib/tap.sh"
. "$top/test/lib/guest.sh"

SKIFF=${SKIFF:-$top/tools/skiff}
# The QEMU command lines checked here are pc's (virtio on PCI) with the default CPU; the default machine
# (microvm) is c_default_machine's.
SKIFF_MACHINE=pc
export SKIFF_MACHINE
unset SKIFF_CPU SKIFF_CPUS # one CPU, but for c_cpus_env
FAKE_QEMU=$top/test/cli/fake-qemu.sh
TIMEOUT=180
# PROGRAM names are looked up in the host's PATH: Debian's, so that a pyenv shim or a venv first on the
# runner's PATH does not stand in for /usr/bin/python3.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH

test_tmp cli
# -v is on (VOLUMES in tools/skiff); c_volume_off checks that SKIFF_VOLUMES=0 still refuses it before booting.

# ---------------------------------------------------------------- helpers

# dry ARGS...: `skiff run ARGS` with the fake QEMU; sets $st, fills $tmp/out, $tmp/err, $tmp/qemu.args (one
# argument per line; absent when skiff did not get as far as QEMU) and $tmp/image (the initrd).
dry() {
	rm -f "$tmp/qemu.args" "$tmp/image"
	FAKE_QEMU_LOG=$tmp/qemu.args FAKE_QEMU_IMAGE=$tmp/image SKIFF_QEMU=$FAKE_QEMU sk "$@"
}

# image_file PATH: the file PATH (no leading slash) of the dry run's initrd, on stdout.
image_file() {
	rm -rf "$tmp/x"
	mkdir "$tmp/x" && (cd "$tmp/x" && cpio -idm --quiet "$1" 2>/dev/null) <"$tmp/image" && cat "$tmp/x/$1"
}

# args_have LINE...: each LINE is one of the dry run's QEMU arguments.
args_have() {
	for ah in "$@"; do
		grep -qxF -- "$ah" "$tmp/qemu.args" || { fail "QEMU was not given '$ah'"; return 1; }
	done
}

c_default_machine() {
	name="the default machine is microvm: virtio-mmio devices (virtio-9p-device), no PCI; --machine pc keeps PCI"
	mkdir -p "$tmp/vol" || return
	SKIFF_MACHINE= dry -v "$tmp/vol:/data" /bin/true
	[ "$st" -eq 0 ] || { fail "exit status $st"; return; }
	grep -q '^microvm' "$tmp/qemu.args" || { fail "no microvm machine: $(grep -A1 -x -- -M "$tmp/qemu.args" | tr '\n' ' ')"; return; }
	args_have -device virtio-9p-device,fsdev=skiffv0,mount_tag=skiffv0 || return
	grep -q -- '-pci' "$tmp/qemu.args" && { fail "a PCI device on microvm: $(grep -- -pci "$tmp/qemu.args" | head -3 | tr '\n' ' ')"; return; }
	dry --machine pc -v "$tmp/vol:/data" /bin/true
	args_have -device virtio-9p-pci,fsdev=skiffv0,mount_tag=skiffv0 && pass
}

c_cpus_env() {
	name="SKIFF_CPUS=N is the default --cpus (-smp N, cpus=N for the kernel); an explicit --cpus wins; a bad one is refused"
	SKIFF_CPUS=2 dry /bin/true
	[ "$st" -eq 0 ] || { fail "exit status $st"; return; }
	args_have -smp 2 || return
	grep -q 'cpus=2' "$tmp/qemu.args" || { fail "no cpus=2 on the kernel command line"; return; }
	SKIFF_CPUS=2 dry --cpus 1 /bin/true
	[ "$st" -eq 0 ] || { fail "--cpus 1: exit status $st"; return; }
	grep -qx -- -smp "$tmp/qemu.args" && { fail "--cpus 1 with SKIFF_CPUS=2: -smp given"; return; }
	SKIFF_CPUS=17 dry /bin/true
	[ "$st" -eq 125 ] && grep -q "SKIFF_CPUS: a number of CPUs from 1 to 16, got '17'" "$tmp/err" ||
		{ fail "SKIFF_CPUS=17: status $st, $(cat "$tmp/err")"; return; }
	pass
}

# The guest's clock: QEMU's RTC counts whole seconds from QEMU's own start, so the guest lagged the host by up
# to a second (make on a volume warned "Clock skew detected" about the files it had just written). The CLI
# passes the host's clock (walltime=S.N); the guest's time is never before the moment the CLI started.
c_walltime() {
	name="the guest's CLOCK_REALTIME is not behind the host's (walltime=S.N from the CLI, not the RTC's second)"
	dry /bin/true
	grep -q ' walltime=[0-9]*\.[0-9]\{9\}' "$tmp/qemu.args" || { fail "no walltime= on the kernel command line"; return; }
	for wt_i in 1 2 3; do # the RTC alone passes one boot in ten or so: three boots
		wt_t0=$(date +%s%N)
		sk /bin/date +%s%N
		[ "$st" -eq 0 ] || { fail "exit status $st"; return; }
		wt_g=$(cat "$tmp/out")
		[ "${#wt_g}" -eq "${#wt_t0}" ] && ! expr "$wt_g" "<" "$wt_t0" >/dev/null ||
			{ fail "boot $wt_i: the guest's clock $wt_g is before the host's $wt_t0 (taken before the CLI started)"; return; }
	done
	pass
}

# ---------------------------------------------------------------- -v

c_volume_args() {
	name="-v HOST:GUEST[:ro]: virtio-9p devices skiffv<i> for QEMU and the /.skiff/mounts records"
	mkdir -p "$tmp/vol/a,b" "$tmp/ro" || return
	# A relative HOST is made absolute; a comma in it is doubled for QEMU; GUEST is normalised and the
	# records are sorted so that a parent is mounted before a volume inside it.
	cd "$tmp" && dry -v 'vol/a,b:/mnt/data/' --volume "$tmp/ro:/mnt:ro" /bin/true
	cd "$top" || return
	[ "$st" -eq 0 ] || { fail "exit status $st"; return; }
	args_have -fsdev "local,id=skiffv0,path=$tmp/vol/a,,b,security_model=none,multidevs=remap" \
		-device virtio-9p-pci,fsdev=skiffv0,mount_tag=skiffv0 \
		-fsdev "local,id=skiffv1,path=$tmp/ro,security_model=none,multidevs=remap,readonly=on" \
		-device virtio-9p-pci,fsdev=skiffv1,mount_tag=skiffv1 || return
	printf '%s\0' 9p skiffv1 /mnt ro 9p skiffv0 /mnt/data rw >"$tmp/mounts.expected"
	image_file .skiff/mounts >"$tmp/mounts" || { fail "no /.skiff/mounts in the initrd"; return; }
	cmp -s "$tmp/mounts" "$tmp/mounts.expected" || {
		fail "/.skiff/mounts is not as expected"
		od -c "$tmp/mounts" | tap_diag
		return
	}
	# Without -v there is neither a mounts file nor a 9p device.
	dry /bin/true
	if image_file .skiff/mounts >/dev/null 2>&1 || grep -q 9p "$tmp/qemu.args"; then
		fail "a run without -v has a mounts file or a 9p device"
		return
	fi
	pass
}

c_volume_iso() {
	name="-v with --iso: the same devices next to the CD"
	command -v grub-mkrescue >/dev/null 2>&1 || { skip "grub-mkrescue is not installed"; return; }
	mkdir -p "$tmp/vol" || return
	dry --iso -v "$tmp/vol:/data" /bin/true
	[ "$st" -eq 0 ] || { fail "exit status $st"; return; }
	args_have -cdrom -fsdev "local,id=skiffv0,path=$tmp/vol,security_model=none,multidevs=remap" \
		-device virtio-9p-pci,fsdev=skiffv0,mount_tag=skiffv0 && pass
}

c_volume_errors() {
	name="-v: a missing HOST, a file, a relative or duplicate GUEST are refused with 125 before booting"
	mkdir -p "$tmp/vol" && : >"$tmp/file" || return
	for spec in "$tmp/nonexistent:/data" "$tmp/file:/data" "$tmp/vol:data" "$tmp/vol" "$tmp/vol:/" \
		"$tmp/vol:/a/../b"; do
		dry -v "$spec" /bin/true
		[ "$st" -eq 125 ] || { fail "-v $spec: exit status $st, expected 125"; return; }
		[ ! -e "$tmp/qemu.args" ] || { fail "-v $spec: QEMU was started"; return; }
	done
	dry -v "$tmp/nonexistent:/data" /bin/true
	expect_err_has "-v: $tmp/nonexistent: No such file or directory" || return
	dry -v "$tmp/vol:/data" -v "$tmp/vol:/data/" /bin/true
	[ "$st" -eq 125 ] || { fail "two volumes at /data: exit status $st"; return; }
	pass
}

c_volume_off() {
	name="-v while the kernel has no 9P client: refused with 125 before booting, saying why"
	mkdir -p "$tmp/vol" || return
	SKIFF_VOLUMES=0 dry -v "$tmp/vol:/data" /bin/true
	[ "$st" -eq 125 ] || { fail "exit status $st, expected 125"; return; }
	[ ! -e "$tmp/qemu.args" ] || { fail "QEMU was started"; return; }
	expect_err_has "host volumes are not in this build yet" && pass
}

c_volume_boot() {
	name="-v: QEMU accepts the devices and the program runs"
	need /bin/busybox || return
	mkdir -p "$tmp/vol" || return
	sk -v "$tmp/vol:/data" -v "$tmp/vol:/ro:ro" /bin/busybox echo booted
	expect_status 0 && expect_out_has booted && pass
}

c_live_rootfs() {
	name="--rootfs DIR[:rw] live (SKIFF_LIVE_ROOTFS=1): device skiffroot, a / record (ro,overlay or rw), nothing packed"
	mkdir -p "$tmp/lr/bin" "$tmp/vol" && : >"$tmp/lr/bin/marker" || return
	SKIFF_LIVE_ROOTFS=1 dry --rootfs "$tmp/lr" -v "$tmp/vol:/data" /bin/prog
	[ "$st" -eq 0 ] || { fail "exit status $st"; return; }
	args_have -fsdev "local,id=skiffroot,path=$tmp/lr,security_model=none,multidevs=remap,readonly=on" \
		-device virtio-9p-pci,fsdev=skiffroot,mount_tag=skiffroot || return
	printf '%s\0' 9p skiffroot / ro,overlay 9p skiffv0 /data rw >"$tmp/mounts.expected"
	image_file .skiff/mounts >"$tmp/mounts" && cmp -s "$tmp/mounts" "$tmp/mounts.expected" ||
		{ fail "/.skiff/mounts is not as expected"; od -c "$tmp/mounts" | tap_diag; return; }
	if cpio -it <"$tmp/image" 2>/dev/null | grep -q 'marker\|etc/passwd'; then
		fail "the live root was packed"
		return
	fi
	SKIFF_LIVE_ROOTFS=1 dry --rootfs "$tmp/lr:rw" /bin/prog
	args_have -fsdev "local,id=skiffroot,path=$tmp/lr,security_model=none,multidevs=remap" || return
	printf '%s\0' 9p skiffroot / rw >"$tmp/mounts.expected"
	image_file .skiff/mounts >"$tmp/mounts" && cmp -s "$tmp/mounts" "$tmp/mounts.expected" ||
		{ fail "/.skiff/mounts is not as expected with :rw"; od -c "$tmp/mounts" | tap_diag; return; }
	# Packed (a kernel without the live root): DIR is in the initrd, and :rw is refused.
	SKIFF_NO_FALLBACK= SKIFF_LIVE_ROOTFS=0 dry --rootfs "$tmp/lr" /bin/prog
	cpio -it <"$tmp/image" 2>/dev/null | grep -q '^bin/marker$' || { fail "the packed root lacks DIR's files"; return; }
	grep -q skiffroot "$tmp/qemu.args" && { fail "a packed root has the skiffroot device"; return; }
	SKIFF_NO_FALLBACK= SKIFF_LIVE_ROOTFS=0 dry --rootfs "$tmp/lr:rw" /bin/prog
	[ "$st" -eq 125 ] && [ ! -e "$tmp/qemu.args" ] || { fail ":rw on a packed root: status $st, expected 125"; return; }
	pass
}

# ---------------------------------------------------------------- PATH and #!

c_path_ls() {
	name="PROGRAM without a slash is looked up in PATH: skiff run ls / lists the guest's root"
	sk /usr/bin/ls /
	cp "$tmp/out" "$tmp/expected"
	sk ls /
	expect_status 0 || return
	for d in bin dev etc proc tmp usr; do
		grep -qx "$d" "$tmp/out" || { fail "no $d in the listing"; return; }
	done
	cmp -s "$tmp/out" "$tmp/expected" || { fail "differs from skiff run /usr/bin/ls /"; return; }
	dry skiff-no-such-command-here
	[ "$st" -eq 127 ] && [ ! -e "$tmp/qemu.args" ] || { fail "a missing command: status $st, expected 127"; return; }
	expect_err_has "skiff-no-such-command-here: command not found" && pass
}

c_shebang_perl() {
	name="a #!/usr/bin/perl script runs with perl (and its libraries) packed, no --add"
	need /usr/bin/perl || return
	printf '#!/usr/bin/perl\nprint "perl says ", 6 * 7, " @ARGV\\n"; exit 3;\n' >"$tmp/s.pl" && chmod 755 "$tmp/s.pl"
	sk "$tmp/s.pl" a b
	expect_status 3 && expect_out_has "perl says 42 a b" && pass
}

c_shebang_env() {
	name="a #!/usr/bin/env lua5.4 script: env and the program it runs (found in the guest PATH) are packed"
	need /usr/bin/env /usr/bin/lua5.4 || return
	printf '#!/usr/bin/env lua5.4\nprint("lua via env", 6 * 7)\nos.exit(4)\n' >"$tmp/s.lua" && chmod 755 "$tmp/s.lua"
	sk "$tmp/s.lua"
	expect_status 4 && expect_out_has "lua via env	42" && pass
}

# ---------------------------------------------------------------- runtimes

c_python() {
	name="python3 -c 'import json ...' finds its standard library (encodings, json, lib-dynload) with no --add"
	need /usr/bin/python3 || return
	sk python3 -c 'import json, encodings.idna, zlib; print(json.dumps([1]), "b\u00fccher.de".encode("idna"), zlib.crc32(b"skiff"))'
	expect_status 0 && expect_out_has "[1] b'xn--bcher-kva.de' 1141368291" && pass
}

c_no_runtime_libs() {
	name="--no-runtime-libs: python3 without its standard library (only what ld.so loads)"
	need /usr/bin/python3 || return
	dry --no-runtime-libs /usr/bin/python3 -c 1
	cpio -it --quiet <"$tmp/image" >"$tmp/list" 2>/dev/null
	grep -q '^usr/bin/python3' "$tmp/list" || { fail "python3 is not in the root"; return; }
	grep -q '/python3[.0-9]*/json/' "$tmp/list" && { fail "the standard library is packed"; return; }
	dry /usr/bin/python3 -c 1
	cpio -it --quiet <"$tmp/image" | grep -q '/python3[.0-9]*/json/__init__.py$' || { fail "without it, no json"; return; }
	pass
}

c_python_script() {
	name="a #!/usr/bin/python3 script (interpreter and standard library packed from the #! line)"
	need /usr/bin/python3 || return
	printf '#!/usr/bin/python3\nimport sys, collections\nprint(collections.Counter("skiff").most_common(1), sys.argv[1:])\nsys.exit(7)\n' \
		>"$tmp/s.py" && chmod 755 "$tmp/s.py"
	sk "$tmp/s.py" x
	expect_status 7 && expect_out_has "[('f', 2)] ['x']" && pass
}

c_perl() {
	name="perl -MList::Util=sum -e 'print sum(1..10)' finds its modules with no --add"
	need /usr/bin/perl || return
	sk perl -MList::Util=sum -MPOSIX=floor -MData::Dumper -e '$Data::Dumper::Terse = 1; print sum(1..10), " ", floor(2.5), " ", Dumper([1]);'
	expect_status 0 && expect_out_has "55 2 [" && pass
}

c_lua() {
	name="lua5.4 found in PATH, with its search path's directories"
	need /usr/bin/lua5.4 || return
	sk lua5.4 -e 'print(string.format("%d %s", 6 * 7, package.path:match("/usr/share/lua/5.4/") and "path" or "?"))'
	expect_status 0 && expect_out_has "42 path" && pass
}

c_ruby() {
	name="ruby -rjson finds its standard library with no --add"
	need /usr/bin/ruby || return
	sk ruby -rjson -e 'puts JSON.generate([1, {"a" => 2}])'
	expect_status 0 && expect_out_has '[1,{"a":2}]' && pass
}

c_tcl() {
	name="a #!/usr/bin/tclsh script finds init.tcl and its packages (msgcat) with no --add"
	need /usr/bin/tclsh || return
	printf '#!/usr/bin/tclsh\npackage require msgcat\nputs "tcl [expr {6 * 7}] [info exists ::tcl_library]"\n' \
		>"$tmp/s.tcl" && chmod 755 "$tmp/s.tcl"
	sk "$tmp/s.tcl"
	expect_status 0 && expect_out_has "tcl 42 1" && pass
}

c_node() {
	name="node -e runs (its library is built in; its global module directories come along)"
	need /usr/bin/node || return
	sk node -e 'console.log(require("path").join("a", "b"), [1, 2].map((x) => x * 2).join(","))'
	expect_status 0 && expect_out_has "a/b 2,4" && pass
}

# ---------------------------------------------------------------- /etc/passwd, /etc/group

c_passwd() {
	name="/etc/passwd and /etc/group: Debian's system users (www-data 33, redis, postgres), none of the host's, no shadow"
	need /usr/bin/getent /usr/bin/cat || return
	sk /usr/bin/getent passwd www-data redis postgres nobody
	expect_status 0 || return
	for u in 'www-data:x:33:33:' 'redis:x:' 'postgres:x:' 'nobody:x:65534:65534:'; do
		expect_out_has "$u" || return
	done
	sk /usr/bin/getent group www-data redis nogroup
	expect_status 0 && expect_out_has 'www-data:x:33:' && expect_out_has 'nogroup:x:65534:' || return
	sk /usr/bin/cat /etc/passwd /etc/group /etc/shadow
	[ "$st" -ne 0 ] && expect_err_has "/etc/shadow: No such file or directory" || { fail "the guest has an /etc/shadow"; return; }
	# The host's own accounts (login users: uid 1000 and up) are not there.
	awk -F: '$3 >= 1000 && $3 < 65534 { print $1 }' /etc/passwd >"$tmp/host-users"
	while IFS= read -r u; do
		grep -q "^$u:" "$tmp/out" && { fail "the host's user $u is in the guest"; return; }
	done <"$tmp/host-users"
	# A root of the user's keeps its own.
	mkdir -p "$tmp/own/etc" && echo 'custom:x:7:7::/:/bin/sh' >"$tmp/own/etc/passwd" || return
	SKIFF_NO_FALLBACK= SKIFF_LIVE_ROOTFS=0 dry --rootfs "$tmp/own" /bin/prog # packed (a live root is never written to)
	[ "$(image_file etc/passwd)" = 'custom:x:7:7::/:/bin/sh' ] || { fail "--rootfs: its /etc/passwd was replaced"; return; }
	pass
}

# ---------------------------------------------------------------- memory

# ---------------------------------------------------------------- --user

c_user_id() {
	name="id as root and --user www-data: what Linux prints (natively: id, setpriv), no capabilities"
	need /usr/bin/setpriv || return
	[ "$(id -u)" = 0 ] || { skip "the host run is not root"; return; }
	/usr/bin/id >"$tmp/native" 2>&1
	sk /usr/bin/id
	cmp -s "$tmp/out" "$tmp/native" || { fail "id as root differs: '$(cat "$tmp/out")' vs '$(cat "$tmp/native")'"; return; }
	setpriv --reuid=33 --regid=33 --clear-groups /usr/bin/id >"$tmp/native" 2>&1 || { fail "setpriv failed natively"; return; }
	sk --user www-data /usr/bin/id
	expect_status 0 || return
	cmp -s "$tmp/out" "$tmp/native" || { fail "id differs: '$(cat "$tmp/out")' vs '$(cat "$tmp/native")'"; return; }
	sk --user 33:33 /bin/busybox grep -E '^(Uid|Gid|CapEff|CapPrm):' /proc/self/status
	expect_status 0 || return
	printf 'Uid:\t33\t33\t33\t33\nGid:\t33\t33\t33\t33\nCapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n' >"$tmp/want"
	cmp -s "$tmp/out" "$tmp/want" || { fail "/proc/self/status: $(cat "$tmp/out")"; return; }
	pass
}

c_user_denied() {
	name="--user 1000: writing a root-owned 0644 file is EACCES, chown is EPERM"
	sk --user 1000 /bin/busybox sh -c 'echo x >>/etc/passwd; echo "write $?"; chown 1000 /etc/passwd; echo "chown $?"'
	expect_out_has "write 1" && expect_out_has "chown 1" && expect_err_has "Permission denied" &&
		expect_err_has "Operation not permitted" && pass
}

c_user_volume() {
	name="--user 1000:1000 on a -v volume: new files and directories are the user's on the host too, and writable again"
	[ "$(id -u)" = 0 ] || { skip "QEMU does not run as root: the host keeps files as its own user"; return; }
	rm -rf "$tmp/uvol" && mkdir -p "$tmp/uvol" && chmod 777 "$tmp/uvol" || return
	sk --user 1000:1000 -v "$tmp/uvol:/vol" /bin/busybox sh -c 'echo x >/vol/f && echo y >>/vol/f && mkdir /vol/d && echo z >/vol/d/g'
	expect_status 0 || return
	[ "$(stat -c %u:%g "$tmp/uvol/f" "$tmp/uvol/d" "$tmp/uvol/d/g" | tr '\n' ' ')" = "1000:1000 1000:1000 1000:1000 " ] ||
		{ fail "owners on the host: $(stat -c '%n %u:%g' "$tmp/uvol/f" "$tmp/uvol/d" "$tmp/uvol/d/g" | tr '\n' ' ')"; return; }
	[ "$(cat "$tmp/uvol/f")" = "$(printf 'x\ny')" ] || { fail "the file holds '$(cat "$tmp/uvol/f")'"; return; }
	pass
}

c_user_errors() {
	name="--user: an unknown user or group is 125 with one line; a malformed one is refused before booting"
	sk --user nosuchuser /usr/bin/id
	expect_status 125 || return
	expect_err_has "--user nosuchuser: no such user in the guest's /etc/passwd" || return
	sk --user www-data:nosuchgroup /usr/bin/id
	expect_status 125 || return
	expect_err_has "no such group" || return
	dry --user 'a:b:c' /bin/true
	[ "$st" -eq 125 ] || { fail "--user a:b:c: exit status $st, expected 125"; return; }
	[ ! -e "$tmp/qemu.args" ] || { fail "--user a:b:c: QEMU was started"; return; }
	dry --user=33:4 /bin/true
	grep -q 'user=33:4' "$tmp/qemu.args" || { fail "the kernel command line lacks user=33:4"; return; }
	pass
}

c_mem_refused() {
	name="--mem too small for the root: refused before booting, exit 125, one line naming the size needed"
	mkdir -p "$tmp/big" && head -c 40000000 /dev/zero >"$tmp/big/blob" || return
	dry --no-cache --mem 48M --add "$tmp/big" /bin/true
	[ "$st" -eq 125 ] || { fail "exit status $st, expected 125"; return; }
	[ ! -e "$tmp/qemu.args" ] || { fail "QEMU was started"; return; }
	[ "$(wc -l <"$tmp/err")" -eq 1 ] || { fail "more than one line on stderr"; return; }
	expect_err_has "--mem 48M is too small" && expect_err_has "does not fit in this VM" || return
	grep -q 'needs --mem [0-9][0-9]*M or more$' "$tmp/err" || { fail "no size needed in the message"; return; }
	need_m=$(sed -n 's/.*needs --mem \([0-9]*\)M or more$/\1/p' "$tmp/err")
	# What it names is enough: the same root boots with it.
	sk --no-cache --mem "${need_m}M" --add "$tmp/big" /bin/busybox wc -c "$tmp/big/blob"
	rm -rf "$tmp/big"
	expect_status 0 && expect_out_has 40000000 && pass
}

c_mem_default() {
	name="no --mem: the guest gets enough memory for the root it packs (--verbose says how much)"
	need /bin/busybox || return
	# 70 MB: more than the old fixed 128M could unpack.
	mkdir -p "$tmp/big" && head -c 70000000 /dev/zero >"$tmp/big/blob" || return
	dry --no-cache --verbose --add "$tmp/big" /bin/true
	grep -q '^skiff: memory: --mem [0-9]*M (the root, [0-9]* MiB packed, needs about [0-9]*M' "$tmp/err" ||
		{ fail "--verbose does not say the memory chosen"; return; }
	m=$(sed -n 's/^skiff: memory: --mem \([0-9]*\)M .*/\1/p' "$tmp/err")
	[ "$(sed -n '/^-m$/{n;p;}' "$tmp/qemu.args")" = "${m}M" ] && [ "$m" -gt 128 ] ||
		{ fail "QEMU's -m is not the ${m}M said"; return; }
	dry --no-cache --verbose /bin/true
	[ "$(sed -n '/^-m$/{n;p;}' "$tmp/qemu.args")" = 128M ] || { fail "a small root does not get the 128M default"; return; }
	sk --no-cache --add "$tmp/big" /bin/busybox wc -c "$tmp/big/blob"
	rm -rf "$tmp/big"
	expect_status 0 && expect_out_has 70000000 && pass
}

# ---------------------------------------------------------------- --add of broken ELF files

# garble FILE STRING BYTES: overwrite the first STRING in FILE with BYTES (a printf format).
garble() {
	g_off=$(grep -obUa -- "$2" "$1" 2>/dev/null | head -n 1 | cut -d: -f1)
	[ -n "$g_off" ] && printf "$3" | dd of="$1" bs=1 seek="$g_off" conv=notrunc 2>/dev/null
}

c_add_broken() {
	name="--add DIR with broken ELF files (garbage PT_INTERP or DT_NEEDED, truncated) packs them as data, silently"
	need /bin/busybox /usr/bin/sha256sum /usr/bin/true /usr/bin/ls || return
	d=$tmp/broken
	mkdir -p "$d" && cp /usr/bin/true "$d/garbage-interp" && cp /usr/bin/ls "$d/garbage-needed" || return
	# shellcheck disable=SC2016 # the bytes are meant literally
	garble "$d/garbage-interp" /lib64/ld-linux-x86-64.so.2 'zz\001\377 ga:rb*age[x]%%s\t$x' &&
		garble "$d/garbage-needed" libc.so.6 '\002\377/../x\t' || { fail "cannot make the broken files"; return; }
	head -c 64 /usr/bin/ls >"$d/trunc-header" && head -c 3000 /usr/bin/ls >"$d/trunc-phdrs" &&
		head -c 30000 /usr/bin/ls >"$d/trunc.so" && chmod 755 "$d"/* || return
	(cd "$d" && sha256sum -- *) >"$tmp/expected"
	sk --add "$d" --workdir "$d" /bin/busybox sha256sum garbage-interp garbage-needed trunc-header trunc-phdrs trunc.so
	expect_status 0 || return
	[ ! -s "$tmp/err" ] || { fail "skiff complained"; return; }
	cmp -s "$tmp/out" "$tmp/expected" || { fail "the files differ in the guest"; return; }
	pass
}

# ---------------------------------------------------------------- packing (build/skiff-pack) and the cache

c_pack_cache() {
	name="packing: a dynamic program's root (interpreter, libc, locale, /etc); the cache reuses it until an input changes (mtime, or a new inode of the same size and mtime); --no-cache never reads it"
	need /usr/bin/true || return
	cp -p /usr/bin/true "$tmp/prog" || return
	rm -rf "$tmp/cache"
	SKIFF_CACHE_DIR=$tmp/cache dry --verbose "$tmp/prog"
	[ "$st" -eq 0 ] && expect_err_has "initrd cached as $tmp/cache/" || return
	cpio -it --quiet <"$tmp/image" >"$tmp/list" 2>/dev/null
	for f in "${tmp#/}/prog" usr/lib/x86_64-linux-gnu/libc.so.6 usr/lib/locale/C.utf8/LC_CTYPE etc/passwd .skiff/argv; do
		grep -qx "$f" "$tmp/list" || { fail "$f is not in the image"; return; }
	done
	SKIFF_CACHE_DIR=$tmp/cache dry --verbose "$tmp/prog"
	expect_err_has "initrd from the cache" || return
	touch -d '2001-02-03' "$tmp/prog"
	SKIFF_CACHE_DIR=$tmp/cache dry --verbose "$tmp/prog"
	expect_err_has "initrd cached as" || { fail "a new mtime reused the image"; return; }
	cp -p "$tmp/prog" "$tmp/prog.new" && mv "$tmp/prog.new" "$tmp/prog"
	SKIFF_CACHE_DIR=$tmp/cache dry --verbose "$tmp/prog"
	expect_err_has "initrd cached as" || { fail "a new inode reused the image"; return; }
	SKIFF_CACHE_DIR=$tmp/cache dry --verbose --no-cache "$tmp/prog"
	if grep -q 'initrd from the cache\|initrd cached as' "$tmp/err"; then
		fail "--no-cache used the cache"
		return
	fi
	[ "$(ls "$tmp/cache" | wc -l)" -eq 3 ] || { fail "the cache holds $(ls "$tmp/cache" | wc -l) images, expected 3"; return; }
	SKIFF_CACHE_MAX=0 SKIFF_CACHE_DIR=$tmp/cache dry --no-cache "$tmp/prog" # --no-cache: no trimming either
	touch "$tmp/prog"
	SKIFF_CACHE_MAX=0 SKIFF_CACHE_DIR=$tmp/cache dry "$tmp/prog"
	[ "$(ls "$tmp/cache" | wc -l)" -eq 1 ] || { fail "SKIFF_CACHE_MAX=0 left $(ls "$tmp/cache" | wc -l) images"; return; }
	rm -rf "$tmp/cache"
	pass
}

c_pack_input() {
	name="packing bad input: a missing PROGRAM (127), a directory (126), a non-ELF file and a truncated ELF packed as data without a word"
	dry "$tmp/no-such-program"
	[ "$st" -eq 127 ] && [ ! -e "$tmp/qemu.args" ] && expect_err_has "$tmp/no-such-program: No such file or directory" ||
		{ fail "missing: status $st"; return; }
	dry "$tmp"
	[ "$st" -eq 126 ] && expect_err_has "$tmp: Is a directory" || { fail "a directory: status $st"; return; }
	printf 'just text\n' >"$tmp/text" && head -c 3000 /usr/bin/true >"$tmp/trunc" && chmod 755 "$tmp/text" "$tmp/trunc"
	for f in text trunc; do
		dry --no-cache "$tmp/$f"
		[ "$st" -eq 0 ] && [ ! -s "$tmp/err" ] || { fail "$f: status $st, stderr $(cat "$tmp/err")"; return; }
		cmp -s "$(image_file "${tmp#/}/$f" >"$tmp/got" && echo "$tmp/got")" "$tmp/$f" ||
			{ fail "$f is not in the image as it is"; return; }
	done
	pass
}

# Signals to skiff while the program runs (--stop-timeout): c_stop_*.
. "$top/test/cli/stop.sh"
# build/skiff against tools/skiff.sh: c_same_as_shell.
. "$top/test/cli/same.sh"

# The cases that need the shell implementation (tools/skiff.sh: --iso); every other case runs with
# SKIFF_NO_FALLBACK=1, so it checks build/skiff's own path (tools/cli).
SHELL_CASES="c_volume_iso"

CASES_ALL="c_default_machine c_cpus_env c_walltime c_live_rootfs c_volume_off c_volume_args c_volume_iso c_volume_errors c_volume_boot c_path_ls c_shebang_perl c_shebang_env
c_python c_no_runtime_libs c_python_script c_perl c_lua c_ruby c_tcl c_node
c_passwd c_user_id c_user_denied c_user_volume c_user_errors c_mem_refused c_mem_default c_add_broken c_pack_cache c_pack_input
c_stop_handler c_stop_kill c_stop_qemu_killed c_stop_sigint c_same_as_shell c_shebang_sh"

main() {
	# shellcheck disable=SC2086 # split the list into words on purpose
	set -- ${CASES:-$CASES_ALL}
	tap_plan $#
	for t in "$@"; do
		case " $(echo $SHELL_CASES) " in
		*" $t "*) SKIFF_NO_FALLBACK= ;;
		*) SKIFF_NO_FALLBACK=1 ;;
		esac
		export SKIFF_NO_FALLBACK
		"$t"
	done
	tap_done
}

main
