#!/bin/sh
# test/pack/run.sh — build/skiff-pack, tools/skiff's packing half (tools/pack): the dependency walk checked
# against the host's own ld.so (each test program is also run natively: the packer must find exactly what
# ld.so loads, ldd's list for Debian's programs), ld.so.cache read as ldconfig -p reads it, musl's search
# path, the cpio writer round-tripped through GNU `cpio -i` and through the kernel's own initrd code
# (fs/cpio.c, host-built: build/pack/ramfs_list), the plan's steps, the cache key and size cap, the memory
# estimate, and bad input. Host only, no QEMU. Prints TAP and ends with "N passed, N failed, N skipped".
set -u
LC_ALL=C # garbled ELF files have bytes that are not UTF-8
export LC_ALL
top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/test/lib/tap.sh"
P=$top/build/skiff-pack
LIST=$top/build/pack/ramfs_list
[ -x "$P" ] && [ -x "$LIST" ] || { echo "test/pack: run make pack-test-bin first" >&2; exit 2; }
t=$(mktemp -d "${TMPDIR:-/tmp}/skiff-pack-test.XXXXXX") || exit 2
trap 'rm -rf "$t"' EXIT INT TERM
tab=$(printf '\t')
unset SKIFF_LD_SO_CACHE SKIFF_LD_SO_CONF SKIFF_LD_MUSL_PATH

name=
ok() { tap_ok "$name"; }
no() { tap_not_ok "$name" "$1"; }

# deps PLAN ARGS...: skiff-pack deps; $st, $t/out, $t/err
deps() {
	"$P" deps "$@" >"$t/out" 2>"$t/err"
	st=$?
}

# planned PLAN FILE: FILE is one of the plan's F lines (host path)
planned() { grep -q "^F$tab$2$tab" "$1"; }

# cc_lib DIR NAME SRC [LDFLAGS...]: DIR/libNAME.so with soname libNAME.so
cc_lib() {
	cl_d=$1 cl_n=$2 cl_s=$3
	shift 3
	printf '%s\n' "$cl_s" >"$t/src.c" && gcc -shared -fPIC -o "$cl_d/lib$cl_n.so" -Wl,-soname,"lib$cl_n.so" "$t/src.c" "$@"
}

# ---------------------------------------------------------------- the dependency walk

case_origin() {
	name="DT_RUNPATH with \$ORIGIN (program and library), \${ORIGIN} and \$LIB: found where ld.so finds them"
	r=$t/origin
	mkdir -p "$r/bin" "$r/lib/x86_64-linux-gnu" || return
	cc_lib "$r/lib/x86_64-linux-gnu" q 'int q(void){return 1;}' &&
		cc_lib "$r/lib" b 'int q(void); int b(void){return q()+1;}' -L"$r/lib/x86_64-linux-gnu" -lq \
			-Wl,--enable-new-dtags,-rpath,'${ORIGIN}/x86_64-linux-gnu' &&
		cc_lib "$r/lib" a 'int b(void); int a(void){return b()+1;}' -L"$r/lib" -lb \
			-Wl,-rpath-link,"$r/lib/x86_64-linux-gnu" -Wl,--enable-new-dtags,-rpath,'$ORIGIN' &&
		printf 'int a(void); int main(void){return a();}\n' >"$t/m.c" &&
		gcc -o "$r/bin/prog" "$t/m.c" -L"$r/lib" -la -Wl,-rpath-link,"$r/lib:$r/lib/x86_64-linux-gnu" \
			-Wl,--enable-new-dtags,-rpath,'$ORIGIN/../lib' || { no "cannot build the test programs"; return; }
	"$r/bin/prog"
	[ $? -eq 3 ] || { no "the program does not run natively"; return; }
	deps "$t/p.origin" --main "$r/bin/prog"
	[ "$st" -eq 0 ] && [ ! -s "$t/err" ] || { no "status $st: $(cat "$t/err")"; return; }
	for l in lib/liba.so lib/libb.so lib/x86_64-linux-gnu/libq.so; do
		planned "$t/p.origin" "$r/$l" || { no "$l not planned"; return; }
	done
	grep -q need_glibc_locale "$t/out" || { no "a glibc program does not ask for the locale"; return; }
	ok
}

case_rpath_runpath() {
	name="DT_RPATH of the program applies to its libraries' needs, DT_RUNPATH does not, nor RPATH for an object with RUNPATH (as ld.so)"
	r=$t/rp
	mkdir -p "$r/dep" "$r/lib" "$r/lib2" || return
	printf 'int a(void); int main(void){return a();}\n' >"$t/m.c"
	cc_lib "$r/dep" d 'int d(void){return 4;}' &&
		cc_lib "$r/lib" a 'int d(void); int a(void){return d()+1;}' -L"$r/dep" -ld &&
		cc_lib "$r/lib2" a 'int d(void); int a(void){return d()+1;}' -L"$r/dep" -ld \
			-Wl,--enable-new-dtags,-rpath,/nonexistent &&
		gcc -o "$r/progR" "$t/m.c" -L"$r/lib" -la -Wl,-rpath-link,"$r/dep" \
			-Wl,--disable-new-dtags,-rpath,"$r/lib:$r/dep" &&
		gcc -o "$r/progU" "$t/m.c" -L"$r/lib" -la -Wl,-rpath-link,"$r/dep" \
			-Wl,--enable-new-dtags,-rpath,"$r/lib:$r/dep" &&
		gcc -o "$r/progR2" "$t/m.c" -L"$r/lib2" -la -Wl,-rpath-link,"$r/dep" \
			-Wl,--disable-new-dtags,-rpath,"$r/lib2:$r/dep" || { no "cannot build the test programs"; return; }
	# the host's ld.so is the reference: progR runs, progU and progR2 cannot find libd.so
	"$r/progR"; [ $? -eq 5 ] || { no "progR does not run natively"; return; }
	"$r/progU" 2>/dev/null; [ $? -eq 127 ] || { no "progU runs natively: the premise is wrong"; return; }
	"$r/progR2" 2>/dev/null; [ $? -eq 127 ] || { no "progR2 runs natively: the premise is wrong"; return; }
	deps "$t/p.R" --main "$r/progR"
	planned "$t/p.R" "$r/lib/liba.so" && planned "$t/p.R" "$r/dep/libd.so" && [ ! -s "$t/err" ] ||
		{ no "RPATH: libd.so not found through the program's DT_RPATH"; return; }
	deps "$t/p.U" --main "$r/progU"
	planned "$t/p.U" "$r/lib/liba.so" && ! planned "$t/p.U" "$r/dep/libd.so" ||
		{ no "RUNPATH: libd.so found through the program's DT_RUNPATH"; return; }
	grep -q "warning: libd.so (needed by $r/lib/liba.so) not found on this host" "$t/err" ||
		{ no "RUNPATH: no warning for libd.so"; return; }
	deps "$t/p.R2" --main "$r/progR2"
	planned "$t/p.R2" "$r/lib2/liba.so" && ! planned "$t/p.R2" "$r/dep/libd.so" ||
		{ no "an object with DT_RUNPATH got the program's DT_RPATH"; return; }
	ok
}

case_ldd() {
	name="Debian's programs (ls, python3, ffmpeg when installed): exactly the libraries ldd lists, and the interpreter"
	n=0
	for prog in /usr/bin/ls /usr/bin/python3 /usr/bin/ffmpeg; do
		[ -x "$prog" ] || continue
		n=$((n + 1))
		rm -f "$t/p.ldd"
		deps "$t/p.ldd" --main "$prog"
		[ "$st" -eq 0 ] || { no "$prog: status $st"; return; }
		ldd "$prog" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (0x.*/\1/p' |
			while IFS= read -r f; do readlink -f -- "$f"; done | sort -u >"$t/ldd.want"
		sed -n "s/^F$tab\\([^$tab]*\\)$tab.*/\\1/p" "$t/p.ldd" | while IFS= read -r f; do readlink -f -- "$f"; done |
			sort -u >"$t/ldd.got"
		cmp -s "$t/ldd.want" "$t/ldd.got" || {
			no "$prog: differs from ldd"
			diff "$t/ldd.want" "$t/ldd.got" | head -n 10 | tap_diag
			return
		}
	done
	[ "$n" -gt 0 ] || { tap_skip "$name" "none of them installed"; return; }
	ok
}

case_ldcache() {
	name="ld.so.cache (glibc-ld.so.cache1.1) read as ldconfig -p reads it; a library found through a cache, then ld.so.conf; a damaged cache is ignored"
	command -v ldconfig >/dev/null 2>&1 || { tap_skip "$name" "no ldconfig"; return; }
	"$P" ldcache /etc/ld.so.cache >"$t/lc.got" &&
		ldconfig -p | awk '/x86-64/ && / => / { n = $1; p = $0; sub(/.* => /, "", p); print n "\t" p }' >"$t/lc.want"
	cmp -s "$t/lc.got" "$t/lc.want" || { no "the host's cache differs from ldconfig -p"; return; }
	c=$t/cache
	mkdir -p "$c/lib" || return
	cc_lib "$c/lib" cached 'int c(void){return 7;}' && mv "$c/lib/libcached.so" "$c/lib/libcached.so.1" &&
		printf 'int c(void); int main(void){return c();}\n' >"$t/m.c" &&
		ln -s libcached.so.1 "$c/lib/libcached.so" && gcc -o "$c/prog" "$t/m.c" -L"$c/lib" -lcached &&
		printf '# a test\ninclude %s/conf.d/*.conf\n' "$c" >"$c/ld.so.conf" && mkdir -p "$c/conf.d" &&
		printf '%s\n' "$c/lib" >"$c/conf.d/x.conf" &&
		ldconfig -X -C "$c/ld.so.cache" -f "$c/ld.so.conf" 2>/dev/null || { no "cannot build the test cache"; return; }
	# the soname the program needs is libcached.so (cc_lib's -soname): the cache maps it to the file
	"$P" ldcache "$c/ld.so.cache" | grep -q "^libcached.so$tab$c/lib/libcached.so" ||
		{ no "the test cache lacks libcached.so"; "$P" ldcache "$c/ld.so.cache" | head -n 5 | tap_diag; return; }
	SKIFF_LD_SO_CACHE=$c/ld.so.cache SKIFF_LD_SO_CONF=/dev/null deps "$t/p.c1" --main "$c/prog"
	grep -q "^[FL]$tab${c#/}/lib/libcached.so$tab\\|^F$tab$c/lib/libcached.so" "$t/p.c1" &&
		grep -q need_ld_cache "$t/out" || { no "not found through the cache (or no need_ld_cache)"; return; }
	head -c 100 /dev/urandom >"$c/bad.cache"
	SKIFF_LD_SO_CACHE=$c/bad.cache SKIFF_LD_SO_CONF=$c/ld.so.conf deps "$t/p.c2" --main "$c/prog"
	grep -q "$c/lib/libcached.so" "$t/p.c2" && [ ! -s "$t/err" ] || { no "not found through ld.so.conf's include"; return; }
	SKIFF_LD_SO_CACHE=$c/bad.cache SKIFF_LD_SO_CONF=/dev/null deps "$t/p.c3" --main "$c/prog"
	grep -q "warning: libcached.so (needed by $c/prog) not found on this host" "$t/err" ||
		{ no "a damaged cache was used"; return; }
	"$P" ldcache "$c/bad.cache" >/dev/null 2>&1 && { no "ldcache accepts garbage"; return; }
	ok
}

case_musl() {
	name="a musl program: its interpreter (libc.so is that), its libraries in musl's path file, no glibc locale"
	command -v musl-gcc >/dev/null 2>&1 || { tap_skip "$name" "musl-gcc is not installed"; return; }
	m=$t/musl
	mkdir -p "$m/lib" || return
	printf 'int mq(void){return 9;}\n' >"$t/q.c" && musl-gcc -shared -fPIC -o "$m/lib/libmq.so" "$t/q.c" &&
		printf 'int mq(void); int main(void){return mq();}\n' >"$t/m.c" &&
		musl-gcc -o "$m/prog" "$t/m.c" -L"$m/lib" -lmq || { no "cannot build with musl-gcc"; return; }
	interp=$(readelf -l "$m/prog" | sed -n 's/.*interpreter: \([^]]*\)].*/\1/p')
	[ -f "$interp" ] || { tap_skip "$name" "musl's loader $interp is not installed"; return; }
	printf '/nonexistent\n%s\n' "$m/lib" >"$m/path"
	SKIFF_LD_MUSL_PATH=$m/path deps "$t/p.m" --main "$m/prog"
	[ "$st" -eq 0 ] && [ ! -s "$t/err" ] || { no "status $st: $(cat "$t/err")"; return; }
	grep -qx "musl_interp $interp" "$t/out" || { no "no musl_interp line"; return; }
	grep -q need_glibc_locale "$t/out" && { no "a musl program asks for glibc's locale"; return; }
	planned "$t/p.m" "$m/lib/libmq.so" || { no "libmq.so not found in the path file's directories"; return; }
	real=$(readlink -f "$interp")
	planned "$t/p.m" "$real" || { no "the interpreter $real is not planned"; return; }
	grep -q 'libc\.so' "$t/p.m" && ! grep -q "$real" "$t/p.m" && { no "libc.so planned apart"; return; }
	ok
}

case_broken() {
	name="non-ELF, truncated ELF and garbage PT_INTERP: data, silently (a warning only for the program itself)"
	b=$t/broken
	mkdir -p "$b" && printf 'hello\n' >"$b/text" && head -c 3000 /usr/bin/ls >"$b/trunc" &&
		head -c 64 /usr/bin/ls >"$b/hdr" && cp /usr/bin/true "$b/garbage" || return
	off=$(grep -obUa /lib64/ld-linux-x86-64.so.2 "$b/garbage" | head -n 1 | cut -d: -f1)
	printf 'zz\001\377 ga:rb*age' | dd of="$b/garbage" bs=1 seek="$off" conv=notrunc 2>/dev/null
	: >"$t/p.b"
	deps "$t/p.b" --file "$b/text" --file "$b/trunc" --file "$b/hdr" --file "$b/garbage" --tree "$b"
	[ "$st" -eq 0 ] && [ ! -s "$t/err" ] && [ ! -s "$t/p.b" ] && [ ! -s "$t/out" ] ||
		{ no "status $st, plan $(wc -l <"$t/p.b") lines, stderr: $(cat "$t/err")"; return; }
	deps "$t/p.b" --main "$b/garbage"
	[ "$st" -eq 0 ] && grep -q "warning: $b/garbage: its ELF interpreter zz.* is not on this host" "$t/err" ||
		{ no "no warning for the program's garbage interpreter"; return; }
	ok
}

case_tree() {
	name="--tree DIR [--prune GLOB]: what the ELF files under DIR load (symlinked directories followed), pruned names left out"
	d=$t/tree
	mkdir -p "$d/mods/sub" "$d/config-3" "$t/elsewhere" || return
	cc_lib "$t/elsewhere" x 'int x(void){return 1;}' &&
		cc_lib "$d/config-3" y 'int y(void){return 1;}' -L"$t/elsewhere" -lx -Wl,-rpath,"$t/elsewhere" &&
		cc_lib "$t/elsewhere" z 'int x(void); int z(void){return x();}' -L"$t/elsewhere" -lx \
			-Wl,-rpath,"$t/elsewhere" && ln -s "$t/elsewhere" "$d/mods/sub/link" || return
	deps "$t/p.t" --tree "$d" --prune 'config-*'
	planned "$t/p.t" "$t/elsewhere/libx.so" || { no "libx.so (needed under a symlinked directory) not planned"; return; }
	rm -f "$t/p.t"
	rm "$d/mods/sub/link"
	deps "$t/p.t" --tree "$d" --prune 'config-*'
	[ ! -s "$t/p.t" ] || { no "a pruned directory was read: $(cat "$t/p.t")"; return; }
	ok
}

# ---------------------------------------------------------------- the cpio writer

# make_src: a tree of every kind of entry
make_src() {
	s=$t/src
	rm -rf "$s"
	mkdir -p "$s/dir/sub" "$s/private" "$s/with space" &&
		printf 'hello\n' >"$s/dir/a.txt" && : >"$s/empty" && head -c 3000000 /dev/urandom >"$s/big" &&
		printf '#!/bin/sh\n' >"$s/dir/run" && chmod 755 "$s/dir/run" && printf x >"$s/setuid" &&
		chmod 4755 "$s/setuid" && printf s >"$s/private/secret" && chmod 600 "$s/private/secret" &&
		chmod 700 "$s/private" && printf y >"$s/with space/file name" &&
		ln -s dir/a.txt "$s/rel" && ln -s /etc/hostname "$s/abs" && ln -s nowhere "$s/dangling" &&
		printf 'linked\n' >"$s/dir/hard1" && ln "$s/dir/hard1" "$s/hard2" &&
		find "$s" -exec touch -h -d '2021-03-04 05:06:07' {} + &&
		touch -d '2020-01-02 03:04:05' "$s/dir/sub" "$s/private/secret"
}

# listing DIR: one line per entry (not DIR itself): path type perm size mtime target sha256 (as ramfs_list)
listing() {
	(cd "$1" && find . -mindepth 1 -printf '%P\t%y\t%m\t%s\t%T@\t%l\n') | while IFS="$tab" read -r p y m sz tm l; do
		sum=-
		[ "$y" = f ] && sum=$(sha256sum <"$1/$p" | cut -d' ' -f1)
		[ "$y" = f ] || sz=0
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$p" "$y" "$m" "$sz" "${tm%.*}" "${l:--}" "$sum"
	done | LC_ALL=C sort
}

# files_mtime: a listing with the mtimes of directories and symlinks blanked
files_mtime() { awk -F "$tab" -v OFS="$tab" '$2 != "f" { $5 = "-" } { print }'; }

case_gnu_cpio() {
	name="cpio newc round trip through GNU cpio -i: files, modes (setuid, 0600, 0700), mtimes, symlinks, hard links, names with spaces"
	make_src || { no "cannot make the source tree"; return; }
	printf 'R\t%s\t\n' "$s" >"$t/plan.r"
	"$P" pack "$t/plan.r" "$t" "$t/img" --trailer --hardlinks || { no "pack failed"; return; }
	rm -rf "$t/x" && mkdir "$t/x" && (cd "$t/x" && cpio -idm --quiet <"$t/img") || { no "cpio -i refused it"; return; }
	# GNU cpio -i sets no symlink's mtime, and a directory's changes as its entries are made after it: the
	# kernel's round trip below checks those
	listing "$s" | files_mtime >"$t/l.src" && listing "$t/x" | files_mtime >"$t/l.x"
	cmp -s "$t/l.src" "$t/l.x" || { no "the extracted tree differs"; diff "$t/l.src" "$t/l.x" | head | tap_diag; return; }
	[ "$(stat -c %i "$t/x/hard2")" = "$(stat -c %i "$t/x/dir/hard1")" ] || { no "the hard link is two files"; return; }
	# without --hardlinks (what tools/skiff writes: the kernel's reader takes each name as a file of its own)
	"$P" pack "$t/plan.r" "$t" "$t/img2" --trailer && rm -rf "$t/x" && mkdir "$t/x" &&
		(cd "$t/x" && cpio -idm --quiet <"$t/img2") && listing "$t/x" | files_mtime >"$t/l.x" && cmp -s "$t/l.src" "$t/l.x" &&
		[ "$(stat -c %i "$t/x/hard2")" != "$(stat -c %i "$t/x/dir/hard1")" ] ||
		{ no "without --hardlinks: the tree differs"; return; }
	# newc's padding: every header at a multiple of 4, the trailer last
	[ $(($(wc -c <"$t/img") % 4)) -eq 0 ] && cpio -it --quiet <"$t/img" >/dev/null 2>"$t/cerr" && [ ! -s "$t/cerr" ] ||
		{ no "padding or trailer: $(cat "$t/cerr")"; return; }
	ok
}

case_kernel_cpio() {
	name="cpio newc round trip through the kernel's initrd code (fs/cpio.c into ramfs, host-built): the same tree"
	make_src || { no "cannot make the source tree"; return; }
	printf 'R\t%s\t\n' "$s" >"$t/plan.r"
	"$P" pack "$t/plan.r" "$t" "$t/img" --trailer || { no "pack failed"; return; }
	"$LIST" "$t/img" 2>"$t/lerr" | LC_ALL=C sort >"$t/l.k" || { no "the kernel's reader refused it: $(cat "$t/lerr")"; return; }
	listing "$s" >"$t/l.src"
	cmp -s "$t/l.src" "$t/l.k" || { no "the unpacked tree differs"; diff "$t/l.src" "$t/l.k" | head | tap_diag; return; }
	ok
}

case_data_align() {
	name="cpio writer: a file of a page or more has its data at a 4 KiB boundary of the archive (the name padded with NULs), for the kernel to use in place"
	make_src || { no "cannot make the source tree"; return; }
	printf 'R\t%s\t\n' "$s" >"$t/plan.r"
	"$P" pack "$t/plan.r" "$t" "$t/img" --trailer || { no "pack failed"; return; }
	# the entry named "big": its name starts 110 bytes into its header; namesize is the header's 12th field
	at=$(grep -abo 'big' "$t/img" | head -n 1 | cut -d: -f1)
	[ -n "$at" ] || { no "no entry named big"; return; }
	ns=$(dd if="$t/img" bs=1 skip=$((at - 110 + 6 + 8 * 11)) count=8 2>/dev/null)
	data=$(((at + 0x$ns + 3) / 4 * 4))
	[ $((data % 4096)) -eq 0 ] || { no "big's data at offset $data (namesize 0x$ns)"; return; }
	[ "$(dd if="$t/img" bs=4096 skip=$((data / 4096)) count=1 2>/dev/null | sha256sum)" = "$(head -c 4096 "$s/big" | sha256sum)" ] ||
		{ no "the data at $data is not big's"; return; }
	ok
}

case_plan() {
	name="the plan's steps as tools/skiff's build_root: F, A (into a directory), L and D and E only where nothing is, X, @work, no /.skiff"
	p=$t/pl
	rm -rf "$p" && mkdir -p "$p/w/etc" "$p/tree/a" && printf 1 >"$p/f1" && printf 2 >"$p/f2" && printf pw >"$p/w/etc/passwd" &&
		printf t >"$p/tree/a/x" && printf u >"$p/tree/a/y" || return
	{
		printf 'F\t%s\t%s\n' "$p/f1" usr/lib/one "$p/f2" usr/lib/one
		printf 'L\t%s\t%s\n' lib usr/lib lib elsewhere
		printf 'F\t%s\t%s\n' "$p/f1" lib/via-link
		printf 'D\t%s\t%s\n' tmp 1777 tmp 0700
		printf 'E\t%s\t%s\n' "@work/etc/passwd" etc/passwd "$p/f1" etc/passwd
		printf 'A\t%s\t%s\n' "$p/tree" opt/tree "$p/f2" opt/tree
		printf 'X\t%s\t\n' opt/tree/a/y
		printf 'A\t%s\t%s\n' "$p/f1" .skiff/argv
	} >"$p/plan"
	"$P" pack "$p/plan" "$p/w" "$p/img" --trailer || { no "pack failed"; return; }
	rm -rf "$p/x" && mkdir "$p/x" && (cd "$p/x" && cpio -idm --quiet <"$p/img") || { no "cpio -i refused it"; return; }
	x=$p/x
	[ "$(cat "$x/usr/lib/one")" = 2 ] && [ "$(readlink "$x/lib")" = usr/lib ] && [ "$(cat "$x/usr/lib/via-link")" = 1 ] &&
		[ "$(stat -c %a "$x/tmp")" = 1777 ] && [ "$(cat "$x/etc/passwd")" = pw ] && [ "$(cat "$x/opt/tree/a/x")" = t ] &&
		[ "$(cat "$x/opt/tree/f2")" = 2 ] && [ ! -e "$x/opt/tree/a/y" ] && [ ! -e "$x/.skiff" ] ||
		{ no "the root differs"; (cd "$x" && find . | sort) | tap_diag; return; }
	ok
}

case_initrd() {
	name="initrd ROOT TAILDIR OUT: the trailer-less root, then the tail's entries, then the trailer"
	printf 'F\t%s\t%s\n' /etc/hostname etc/hostname >"$t/plan.i"
	mkdir -p "$t/tail/.skiff" && printf 'a\0b\0' >"$t/tail/.skiff/argv" &&
		"$P" pack "$t/plan.i" "$t" "$t/root.cpio" && "$P" initrd "$t/root.cpio" "$t/tail" "$t/initrd.cpio" ||
		{ no "pack or initrd failed"; return; }
	cpio -it --quiet <"$t/root.cpio" >/dev/null 2>&1 && { no "the root image has a trailer"; return; }
	[ "$(cpio -it --quiet <"$t/initrd.cpio" | tr '\n' ' ')" = ". etc etc/hostname .skiff .skiff/argv " ] ||
		{ no "entries: $(cpio -it --quiet <"$t/initrd.cpio" | tr '\n' ' ')"; return; }
	ok
}

case_initrd_links() {
	name="an --initrd archive with hard links (GNU cpio: the data with the last name): every name gets the data"
	h=$t/hl
	mkdir -p "$h/etc" && printf 'root:x:0:0\n' >"$h/etc/passwd" && ln "$h/etc/passwd" "$h/etc/hl" &&
		(cd "$h" && find . | cpio -o -H newc --quiet) >"$t/hl.cpio" || return
	printf 'I\t%s\t\n' "$t/hl.cpio" >"$t/plan.h"
	"$P" pack "$t/plan.h" "$t" "$t/img.h" --trailer || { no "pack failed"; return; }
	"$LIST" "$t/img.h" >"$t/l.h" || { no "the kernel's reader refused it"; return; }
	[ "$(awk -F "$tab" '$1 == "etc/hl" || $1 == "etc/passwd" { print $1, $4 }' "$t/l.h" | sort | tr '\n' ' ')" = \
		"etc/hl 11 etc/passwd 11 " ] || { no "$(cat "$t/l.h")"; return; }
	ok
}

# ---------------------------------------------------------------- the cache

case_key() {
	name="cache key: the same for the same inputs (another work dir too); new for a new mtime, a new inode of the same size and mtime, or new @work content"
	k=$t/key
	mkdir -p "$k/w1/etc" "$k/w2/etc" "$k/tree" && printf abc >"$k/lib" && printf x >"$k/tree/f" &&
		printf pw >"$k/w1/etc/passwd" && printf pw >"$k/w2/etc/passwd" || return
	printf 'F\t%s\t%s\nA\t%s\t%s\nE\t@work/etc/passwd\tetc/passwd\n' "$k/lib" usr/lib/lib "$k/tree" opt >"$k/plan"
	a=$("$P" key "$k/plan" "$k/w1" v1) && b=$("$P" key "$k/plan" "$k/w2" v1) && [ "$a" = "$b" ] && [ ${#a} -eq 32 ] ||
		{ no "not stable: $a $b"; return; }
	[ "$("$P" key "$k/plan" "$k/w1" v2)" != "$a" ] || { no "the extra words are not in the key"; return; }
	touch -d '2001-01-01' "$k/tree/f"
	c=$("$P" key "$k/plan" "$k/w1" v1)
	[ "$c" != "$a" ] || { no "an mtime inside an added tree is not in the key"; return; }
	cp -p "$k/lib" "$k/lib.new" && mv "$k/lib.new" "$k/lib"
	d=$("$P" key "$k/plan" "$k/w1" v1)
	[ "$d" != "$c" ] || { no "a new inode with the same size and mtime is not in the key"; return; }
	printf px >"$k/w1/etc/passwd" && touch -r "$k/w2/etc/passwd" "$k/w1/etc/passwd"
	[ "$("$P" key "$k/plan" "$k/w1" v1)" != "$d" ] || { no "@work content is not in the key"; return; }
	ok
}

case_trim() {
	name="cache size cap: least recently used images out first, the newest always kept, other files left alone"
	c=$t/trim
	mkdir -p "$c" || return
	for i in 1 2 3 4; do head -c 1048576 /dev/urandom >"$c/k$i.cpio" || return; done
	printf x >"$c/notes.txt"
	touch -d '-400 seconds' "$c/k1.cpio"; touch -d '-300 seconds' "$c/k3.cpio"
	touch -d '-200 seconds' "$c/k2.cpio"; touch -d '-100 seconds' "$c/k4.cpio"
	"$P" trim "$c" 2621440 || { no "trim failed"; return; }
	[ "$(ls "$c" | tr '\n' ' ')" = "k2.cpio k4.cpio notes.txt " ] || { no "left: $(ls "$c" | tr '\n' ' ')"; return; }
	"$P" trim "$c" 1 && [ -e "$c/k4.cpio" ] && [ ! -e "$c/k2.cpio" ] || { no "a cap below one image"; return; }
	ok
}

case_mem() {
	name="memory estimate (fs/cpio.c's reader): what tools/skiff computed from cpio -itv"
	make_src || return
	printf 'R\t%s\t\n' "$s" >"$t/plan.r"
	"$P" pack "$t/plan.r" "$t" "$t/img" --trailer || { no "pack failed"; return; }
	want=$(cpio -itv --quiet <"$t/img" 2>/dev/null | awk -v base=6144 -v per=1 '
		{ n++ }
		/^-/ { p = int(($5 + 4095) / 4096); pages += p; if (p > maxp) maxp = p }
		END { printf "%d\n", base + (pages + maxp) * 4 + n * per }')
	got=$("$P" mem "$t/img" 6144 1)
	[ "$got" = "$want" ] || { no "got $got, cpio -itv says $want"; return; }
	ok
}

case_sha256() {
	name="SHA-256 (the key's) against sha256sum at the block edges and a megabyte"
	for n in 0 1 55 56 63 64 65 119 120 1000000; do
		head -c "$n" /dev/urandom >"$t/h"
		[ "$("$P" sha256 "$t/h")" = "$(sha256sum <"$t/h" | cut -d' ' -f1)" ] || { no "differs at $n bytes"; return; }
	done
	ok
}

# ---------------------------------------------------------------- bad input

case_errors() {
	name="bad input: a missing file, a bad plan line, a non-cpio --initrd, unknown commands: a message and 125 (2 for usage)"
	printf 'F\t%s\t%s\n' "$t/missing" x >"$t/plan.e"
	"$P" pack "$t/plan.e" "$t" "$t/img.e" 2>"$t/err"
	[ $? -eq 125 ] && grep -qx "skiff: cannot copy $t/missing" "$t/err" && [ ! -e "$t/img.e" ] ||
		{ no "missing file: $(cat "$t/err")"; return; }
	ls "$t"/img.e.* >/dev/null 2>&1 && { no "a temporary image was left behind"; return; }
	printf 'Fbad line\n' >"$t/plan.e"
	"$P" pack "$t/plan.e" "$t" "$t/img.e" 2>"$t/err"
	[ $? -eq 125 ] && grep -q "skiff: plan: bad line" "$t/err" || { no "bad plan line: $(cat "$t/err")"; return; }
	printf 'I\t%s\t\n' /etc/hostname >"$t/plan.e"
	"$P" pack "$t/plan.e" "$t" "$t/img.e" 2>"$t/err"
	[ $? -eq 125 ] && grep -qx "skiff: --initrd: cannot extract /etc/hostname (not a cpio archive?)" "$t/err" ||
		{ no "non-cpio --initrd: $(cat "$t/err")"; return; }
	"$P" frobnicate 2>/dev/null
	[ $? -eq 2 ] || { no "an unknown command is not a usage error"; return; }
	"$P" deps "$t/plan.e" --bogus x 2>/dev/null
	[ $? -eq 2 ] || { no "an unknown deps option is not a usage error"; return; }
	"$P" mem /etc/hostname 1 1 2>/dev/null && { no "mem of a non-archive succeeded"; return; }
	ok
}

CASES="case_origin case_rpath_runpath case_ldd case_ldcache case_musl case_broken case_tree case_gnu_cpio case_data_align
case_kernel_cpio case_plan case_initrd case_initrd_links case_key case_trim case_mem case_sha256 case_errors"
# shellcheck disable=SC2086
set -- $CASES
tap_plan $#
for c in "$@"; do
	"$c"
done
tap_done
