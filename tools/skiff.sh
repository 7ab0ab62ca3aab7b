#!/bin/sh
# skiff: run a Linux program inside the skiff unikernel under QEMU.
#
#   skiff run [options] PROGRAM [ARGS...]
#   skiff rootfs [--add HOST[:GUEST]]... [--no-runtime-libs] DIR PROGRAM...
#   skiff version
#
# The host side of docs/host-interface.md: this script builds a newc cpio
# initrd holding PROGRAM (with its dynamic loader and shared libraries, if
# it has any) or a given root, /.skiff/argv, /.skiff/env and maybe
# /.skiff/stdin and /.skiff/cwd, boots build/skiff.elf with it, wires the four serial
# ports to stdout, stderr, the kernel log and a control file, and turns the
# kernel's `exit N` control line into this script's exit status.
#
# Plain POSIX sh on purpose: it must run wherever QEMU does, with no bash.
#
# The shell implementation of the skiff command: build/skiff (tools/cli, in C; tools/skiff runs it) does
# `skiff run` itself and execs this script, with the same argv, for what it leaves to it: `skiff rootfs`,
# --iso, --initrd and a packed --rootfs (SKIFF_LIVE_ROOTFS=0). docs/cli.md.

set -u

SKIFF_VERSION=0.1.0
ME=skiff
QEMU=${SKIFF_QEMU:-qemu-system-x86_64}
# The packing half in C (tools/pack: the dependency walk, the image writer, the cache key), built by make.
PACK=${SKIFF_PACK:-$(dirname -- "$0")/../build/skiff-pack}
DEFAULT_ENV_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# A live --rootfs: the kernel mounts DIR over 9P as / from /.skiff/mounts (the "skiffroot" record), with a RAM
# layer over it (fs/overlay.c) unless :rw. SKIFF_LIVE_ROOTFS=0 packs DIR into the initrd instead.
LIVE_ROOTFS=1
live_rootfs=${SKIFF_LIVE_ROOTFS:-$LIVE_ROOTFS}
# -v: the kernel mounts the volumes of /.skiff/mounts over 9P (fs/9pfs.c). SKIFF_VOLUMES=0 refuses -v (a
# kernel built without it would lose what the program writes there).
VOLUMES=1
volumes_on=${SKIFF_VOLUMES:-$VOLUMES}

# Exit statuses of the CLI itself (the rest come from the guest).
EX_TIMEOUT=124
EX_FAIL=125
EX_NOEXEC=126
EX_NOENT=127

# Everything temporary lives under $work; the EXIT trap removes it.
work=
qpid=
relay_pids=
# Signals for the program (forward_signal): fd 8 is our end of the skiff.signal port's FIFO while the VM runs;
# stop_watch the grace period's watcher.
sig_port=
sig_caught=
stop_watch=
stop_sig=

usage() {
	cat <<'EOF'
usage: skiff run [options] PROGRAM [ARGS...]
       skiff rootfs [--add HOST[:GUEST]]... [--no-runtime-libs] DIR PROGRAM...
       skiff version

Runs PROGRAM, an x86_64 Linux binary, in the skiff unikernel under QEMU.
PROGRAM is a host path, packed into the initrd at the same guest path;
with --rootfs or --initrd it is a path inside that root instead. Without
a slash it is looked up in PATH, as a shell does. A #! script comes with
its interpreter. A dynamic
PROGRAM (or added file) comes with its ELF interpreter and the shared
libraries it needs, found as ld.so finds them (symlinks kept as symlinks).
`skiff rootfs` writes that root into DIR instead of running it.

options:
  --rootfs DIR[:rw]     DIR as the guest's root: shared live over virtio-9p
                        when the kernel supports it (writes stay in memory;
                        with :rw they reach DIR), else packed
  --initrd FILE         use the newc cpio FILE as the guest's root
  --add HOST[:GUEST]    copy a host file or directory (recursively) into the
                        guest at GUEST (default: the same path); repeatable
  --env K=V             add K=V to the guest environment; repeatable (the
                        defaults: PATH, HOME=/root, TERM, LANG=C.UTF-8)
  --workdir DIR         the program's working directory (default /)
  --user USER[:GROUP]   run the program as USER (a uid or a name from the
                        guest's /etc/passwd) and GROUP, with no capabilities
  --no-cache            pack the initrd afresh (also SKIFF_NO_CACHE=1);
                        images are cached in ~/.cache/skiff by content
  --no-runtime-libs     do not pack the library directories of python3, perl,
                        ruby, lua, tclsh or node (only what ld.so loads)
  --mem SIZE            guest memory, QEMU syntax (default: enough for the
                        root plus 64M, at least 128M); a SIZE too small for
                        the root is refused before booting
  --accel tcg|kvm|auto  CPU emulation (default auto, which means tcg for now)
  --cpus N              the guest's CPUs, 1 to 16 (default 1, or SKIFF_CPUS);
                        programs run on all of them (under TCG, one host
                        thread each)
  --timeout S           end the program after S seconds and exit 124
  --stop-timeout S      how long the program has to end after skiff itself
                        gets SIGTERM, SIGINT or SIGQUIT (default 10), then
                        it is killed with SIGKILL (status 137)
  --strace              log every syscall to stderr
  --verbose             show the kernel log on stderr
  --iso                 boot through GRUB from an ISO image (grub-mkrescue)
  --machine M           QEMU's machine: microvm (default: no PCI, no
                        firmware tables, virtio-mmio devices), pc or q35
  --kernel FILE         kernel image (default: build/skiff.elf)
  --firmware F          auto (qboot when installed, else SeaBIOS; SeaBIOS
                        for --iso), seabios or qboot
  --kernel-arg WORD     add WORD to the kernel command line; repeatable
                        (e.g. hostname=NAME; docs/host-interface.md)
  --net                 give the guest a network card on QEMU's user-mode
                        network (no root needed): DHCP gives it 10.0.2.15,
                        DNS 10.0.2.3; the outside world is reachable, the
                        host's own services are not (docs/net.md)
  --allow-host          let the guest reach the host's services at 10.0.2.2
                        (the host's 127.0.0.1) and link-local addresses
                        such as 169.254.169.254; implies --net
  --port [ADDR:]HOST:GUEST
                        forward TCP port HOST on the host (address ADDR,
                        default 127.0.0.1) to port GUEST in the guest;
                        repeatable; implies --net
  -v, --volume HOST:GUEST[:ro]
                        share the host directory HOST (live, over virtio-9p)
                        at the absolute guest path GUEST; :ro read-only;
                        repeatable
  -h, --help            show this help

signals: SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 sent to skiff
while the program runs go to the program (the guest's pid 1) as that
signal, as `docker stop` and `docker kill` do: it ends as it chooses (its
handler's exit status, or 128+SIG). After SIGTERM, SIGINT or SIGQUIT skiff
waits --stop-timeout seconds, then kills it with SIGKILL; SIGHUP, SIGUSR1 and
SIGUSR2 are only passed on (a server may reload on them). When stdin is not a
terminal, QEMU runs in its own session, so ^C or `timeout` reach only skiff.

exit status: PROGRAM's own status; 128+SIG if a signal killed it; 126 if
PROGRAM cannot be executed; 127 if it does not exist; 124 on --timeout;
125 on a kernel panic or any failure of skiff or QEMU.
EOF
}

msg() {
	printf '%s: %s\n' "$ME" "$*" >&2
}

# fail STATUS MESSAGE: report and exit (the EXIT trap cleans up).
fail() {
	status=$1
	shift
	msg "$*"
	exit "$status"
}

usage_error() {
	msg "$*"
	printf "Try '%s --help' for more information.\n" "$ME" >&2
	exit "$EX_FAIL"
}

cleanup() {
	if [ -n "$stop_watch" ]; then
		kill -TERM "$stop_watch" 2>/dev/null
		stop_watch=
	fi
	if [ -n "$qpid" ]; then
		kill -TERM "$qpid" 2>/dev/null
		wait "$qpid" 2>/dev/null
		qpid=
	fi
	restore_tty
	close_holds
	for p in $relay_pids; do
		kill -TERM "$p" 2>/dev/null
	done
	# SKIFF_KEEP=1 keeps the plan, initrd and logs for debugging.
	if [ -n "$work" ] && [ -n "${SKIFF_KEEP:-}" ]; then
		msg "kept $work"
	elif [ -n "$work" ]; then
		rm -rf -- "$work"
	fi
}

# on_signal NUMBER: a signal to us. While the VM runs it is the program's (forward_signal); before, we stop,
# and a signal must not leave QEMU running behind our back.
on_signal() {
	if [ -n "$qpid" ] && [ -n "$sig_port" ]; then
		forward_signal "$1"
		return
	fi
	trap - INT TERM HUP QUIT USR1 USR2
	msg "interrupted"
	exit $((128 + $1))
}

# forward_signal NUMBER: a line "signal N" on the skiff.signal port; the kernel sends N to pid 1
# (drivers/vcon_signal.c). The numbers are the guest's, Linux x86_64's, whatever the host's are. SIGTERM, SIGINT
# and SIGQUIT ask it to end: the grace period starts (stop_watch_start); the others only reach it.
forward_signal() {
	sig_caught=1
	printf 'signal %s\n' "$1" >&8 2>/dev/null
	case $1 in
	2 | 3 | 15) stop_watch_start "$1" ;;
	esac
}

# stop_watch_start NUMBER: after --stop-timeout seconds, SIGKILL in the guest (pid 1's death powers the VM off
# and writes back what it holds for volumes); 10 s later, if even that did not end the VM, QEMU is killed. In
# the background with no stdio of ours, so that a command substitution around us does not wait for it.
stop_watch_start() {
	[ -z "$stop_watch" ] || return 0
	stop_sig=$1
	(
		trap 'kill "$sw" 2>/dev/null; exit 0' TERM
		sleep "$stop_timeout" & sw=$!
		wait "$sw"
		: >"$work/stop-killed"
		printf 'signal 9\n' >&8
		sleep 10 & sw=$!
		wait "$sw"
		: >"$work/qemu-killed"
		kill -TERM "$qpid"
		sleep 2 & sw=$!
		wait "$sw"
		kill -KILL "$qpid"
	) </dev/null >/dev/null 2>&1 5>&- 6>&- 7>&- &
	stop_watch=$!
}

# ---------------------------------------------------------------- paths

# strip_slashes P: P without its leading slashes, i.e. relative to a root.
strip_slashes() {
	p=$1
	while :; do
		case $p in
		/*) p=${p#/} ;;
		*) break ;;
		esac
	done
	printf '%s\n' "$p"
}

# has_dotdot P: true if P has a `..` component (it could escape the root).
has_dotdot() {
	case /$1/ in
	*/../*) return 0 ;;
	*) return 1 ;;
	esac
}

# abs_path P: the absolute, symlink-free directory of P plus P's last name.
abs_path() {
	ap_dir=$(dirname -- "$1") && ap_base=$(basename -- "$1") &&
		ap_dir=$(cd -- "$ap_dir" && pwd -P) || return 1
	case $ap_dir in
	/) printf '/%s\n' "$ap_base" ;;
	*) printf '%s/%s\n' "$ap_dir" "$ap_base" ;;
	esac
}

# guest_path HOSTPATH: where a host path lands in the guest by default: the
# same path. A relative path stays relative (to the guest's /, its cwd),
# unless it climbs with `..`, which only makes sense made absolute.
guest_path() {
	if has_dotdot "$1"; then
		abs_path "$1"
	else
		printf '%s\n' "$1"
	fi
}

# copy_in HOST DEST: copy a host file or directory tree to DEST in the
# staging area, dereferencing symlinks (on Debian /bin is a symlink to
# usr/bin, and the guest must get a real /bin/busybox) and keeping modes and
# mtimes (cpio records them, and `ls -l` in the guest shows them).
copy_in() {
	if [ -d "$1" ]; then
		mkdir -p -- "$2" && cp -pRL -- "$1/." "$2/"
	else
		mkdir -p -- "$(dirname -- "$2")" && cp -pL -- "$1" "$2"
	fi
}

# add_one SPEC: handle one --add HOST[:GUEST] into the staging root.
add_one() {
	spec=$1
	# A path that exists as given wins, so host names holding ':' work.
	if [ -e "$spec" ]; then
		host=$spec
		guest=
	else
		case $spec in
		*:*) host=${spec%:*} guest=${spec##*:} ;;
		*) host=$spec guest= ;;
		esac
	fi
	if [ ! -e "$host" ]; then
		msg "--add: $host: No such file or directory"
		return 1
	fi
	if [ -z "$guest" ]; then
		guest=$(guest_path "$host") || return 1
		# An absolute path through host symlinks (merged /usr: /lib -> usr/lib) lands where the host
		# keeps it, with the same symlinks in the guest: a real /lib made here would hide /usr/lib.
		case $guest in
		/*/*)
			stage_path "$(dirname -- "$guest")" links || return 1
			guest=${staged_real%/}/$(basename -- "$guest")
			;;
		esac
	fi
	if has_dotdot "$guest"; then
		msg "--add: guest path must not contain '..': $guest"
		return 1
	fi
	# GUEST ending in / names the directory to put a file in.
	case $guest in
	*/) [ -d "$host" ] || guest=$guest$(basename -- "$host") ;;
	esac
	check_plan_path "$host" && check_plan_path "$guest" || return 1
	plan A "$(abs_path "$host")" "$(strip_slashes "$guest")"
}

# ---------------------------------------------------------------- options

accel=auto
cpus=${SKIFF_CPUS:-1} # the default --cpus: a whole test suite at N CPUs (issue 14)
machine=${SKIFF_MACHINE:-microvm} # the default --machine: no PCI bus to scan, no firmware tables (issue 13)
mem=
mem_kib=
firmware=auto
timeout=
stop_timeout=10
kernel=
kernel_args=
net=
allow_host=
hostfwds=
nvolumes=0
rootfs=
rootfs_rw=
live=
initrd=
strace=
verbose=
iso=
user_keys=
workdir=
no_cache=
no_runtime_libs=
need_ld_cache=
need_glibc_locale=
musl_interp=

# parse_env K=V: append to the user environment, remembering K so that a
# user value replaces the default one of the same name.
parse_env() {
	case $1 in
	*=*) ;;
	*) usage_error "--env: expected K=V, got '$1'" ;;
	esac
	key=${1%%=*}
	[ -n "$key" ] || usage_error "--env: empty name in '$1'"
	printf '%s\0' "$1" >>"$work/env.user"
	user_keys="$user_keys
$key"
}

user_has_key() {
	case "$user_keys
" in
	*"
$1
"*) return 0 ;;
	*) return 1 ;;
	esac
}

need_arg() {
	[ "$2" -ge 2 ] || usage_error "option $1 needs an argument"
}

# ---------------------------------------------------------------- the plan
#
# The root is first described, then built. The description ($work/plan) is
# one line per step, fields separated by tabs:
#   R DIR             copy the tree DIR (--rootfs) as the root, symlinks kept
#   I FILE            extract the cpio FILE (--initrd) as the root
#   A HOST GUEST      copy HOST (file or tree, symlinks dereferenced) to GUEST
#   F HOST GUEST      copy the one file HOST to GUEST (a library, a loader)
#   L GUEST TARGET    make GUEST a symlink to TARGET, unless GUEST exists
#   D GUEST MODE      make the directory GUEST with MODE, unless it exists
#   E HOST GUEST      copy HOST (dereferenced) to GUEST, unless GUEST exists
#   X GUEST           remove GUEST (a part of an A tree left out)
#                     (HOST @work/... is a file skiff generated in $work)
# GUEST paths are relative to the root. The plan plus the size, mtime, mode
# and owner of everything it copies is the key of the packed image in the
# cache: an identical second run reuses the archive instead of repacking.

# plan OP A [B]: append one step.
plan() {
	printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >>"$work/plan"
}

# A set of lines kept in a shell variable (no process per lookup): the
# paths staged.
set_staged='
'

# in_set VAR LINE: LINE is one of the lines of the variable VAR.
in_set() {
	eval "is_v=\$$1"
	case $is_v in
	*"
$2
"*) return 0 ;;
	*) return 1 ;;
	esac
}

# add_to_set VAR LINE: false if LINE was there already.
add_to_set() {
	in_set "$1" "$2" && return 1
	eval "$1=\$$1\$2'
'"
}

# check_plan_path P: tabs would break the plan's fields.
check_plan_path() {
	case $1 in
	*"	"*) msg "paths with tabs are not supported: $1"; return 1 ;;
	esac
}

# ---------------------------------------------------------------- symlink-keeping copies

# read_link PATH: the target of the symlink PATH in rl_target, remembered (every library under /lib
# passes the /lib symlink: one readlink process each, otherwise).
links_memo='
'
read_link() {
	case $links_memo in
	*"
$1	"*)
		rl_target=${links_memo#*"
$1	"}
		rl_target=${rl_target%%"
"*}
		return 0
		;;
	esac
	rl_target=$(readlink -- "$1") || return 1
	case $rl_target in
	*"
"*) ;;
	*) links_memo="$links_memo$1	$rl_target
" ;;
	esac
}

# stage_path HOSTPATH [links]: plan HOSTPATH (absolute) into the guest at the
# same path, the way the host has it: each symlink met on the way, in a
# directory component (merged /usr: /lib -> usr/lib) or at the end
# (/lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/...), becomes the
# same symlink in the guest and is followed; the file at the end is copied
# (with "links", only the symlinks are planned). $staged_real: where it led.
stage_path() {
	sp_rest=${1#/}
	sp_cur=
	sp_hops=0
	while [ -n "$sp_rest" ]; do
		case $sp_rest in
		*/*) sp_comp=${sp_rest%%/*} sp_rest=${sp_rest#*/} ;;
		*) sp_comp=$sp_rest sp_rest= ;;
		esac
		case $sp_comp in
		"" | .) continue ;;
		..) sp_cur=${sp_cur%/*}; continue ;;
		esac
		sp_next=$sp_cur/$sp_comp
		if [ -L "$sp_next" ]; then
			sp_hops=$((sp_hops + 1))
			[ "$sp_hops" -le 40 ] || { msg "$1: too many levels of symbolic links"; return 1; }
			read_link "$sp_next" || return 1
			sp_target=$rl_target
			check_plan_path "$sp_target" || return 1
			add_to_set set_staged "$sp_next" &&
				plan L "${sp_next#/}" "$sp_target"
			case $sp_target in
			/*) sp_cur='' sp_rest=${sp_target#/}${sp_rest:+/$sp_rest} ;;
			*) sp_rest=$sp_target${sp_rest:+/$sp_rest} ;;
			esac
		elif [ -z "$sp_rest" ]; then
			if [ ! -e "$sp_next" ]; then
				msg "$1: No such file or directory"
				return 1
			fi
			staged_real=$sp_next
			[ "${2:-}" = links ] && return 0
			if [ -d "$sp_next" ]; then
				add_to_set set_staged "$sp_next" && plan A "$sp_next" "${sp_next#/}"
			else
				add_to_set set_staged "$sp_next" && plan F "$sp_next" "${sp_next#/}"
			fi
			# Where the path really led: what ld.so will open.
			staged_real=$sp_next
			return 0
		else
			sp_cur=$sp_next
		fi
	done
	msg "$1: cannot stage"
	return 1
}

# ---------------------------------------------------------------- dynamic ELF files
#
# Packing a dynamic program packs what ld.so will load, found the way ld.so
# finds it, from the ELF headers alone (the program is never run, unlike
# ldd): PT_INTERP, then DT_NEEDED, transitively, searched in DT_RPATH,
# DT_RUNPATH, the host's ld.so.cache, /etc/ld.so.conf(.d), then the default
# directories; musl programs in musl's own path. build/skiff-pack does it
# (tools/pack/walk.c) and appends what it finds to the plan; it prints what
# the run needs besides: need_ld_cache, need_glibc_locale, musl_interp PATH.

# run_deps ARGS...: skiff-pack deps on the plan, its findings kept.
run_deps() {
	"$PACK" deps "$work/plan" "$@" >"$work/deps.out" || return 1
	while read -r rd_k rd_v; do
		case $rd_k in
		need_ld_cache) need_ld_cache=1 ;;
		need_glibc_locale) need_glibc_locale=1 ;;
		musl_interp) musl_interp=$rd_v ;;
		esac
	done <"$work/deps.out"
}

# pack_deps FILE [main]: if FILE is a dynamic x86-64 ELF, plan its
# interpreter and the libraries it loads, transitively. "main" marks the
# program itself (its DT_RPATH applies to every library). Unresolvable
# libraries are reported but do not stop the run: the program may not need
# them (dlopen, lazy), and ld.so's own message will be clearer if it does.
# A broken ELF file (an interpreter that is not a file here) is data.
pack_deps() {
	if [ "${2:-}" = main ]; then
		run_deps --main "$1"
	else
		run_deps --file "$1"
	fi
}

# pack_tree_deps DIR [PRUNE]: the same for the ELF files of an added tree (shared objects and
# executables: Python's lib-dynload modules need libz, libssl ...; PRUNE: a glob of top-level names left
# out). Broken ELF files in it are data, packed as they are, without a word.
pack_tree_deps() {
	if [ -n "${2:-}" ]; then
		run_deps --tree "$1" --prune "$2"
	else
		run_deps --tree "$1"
	fi
}

# ---------------------------------------------------------------- etc files

# base_passwd, base_group: the users and groups a server may look up by name: Debian's static ones
# (base-passwd's ids: root, daemon, bin, sys, ..., www-data 33, nobody 65534) and the system users of
# the usual server packages (redis, postgres, mysql, memcache, ...; Debian gives those dynamic ids from 100
# up: fixed here). Nothing of the host's: not its users, not a shadow file (the accounts are locked: x).
base_passwd() {
	nologin=/usr/sbin/nologin
	printf '%s\n' \
		'root:x:0:0:root:/root:/bin/sh' \
		"daemon:x:1:1:daemon:/usr/sbin:$nologin" \
		"bin:x:2:2:bin:/bin:$nologin" \
		"sys:x:3:3:sys:/dev:$nologin" \
		'sync:x:4:65534:sync:/bin:/bin/sync' \
		"games:x:5:60:games:/usr/games:$nologin" \
		"man:x:6:12:man:/var/cache/man:$nologin" \
		"lp:x:7:7:lp:/var/spool/lpd:$nologin" \
		"mail:x:8:8:mail:/var/mail:$nologin" \
		"news:x:9:9:news:/var/spool/news:$nologin" \
		"uucp:x:10:10:uucp:/var/spool/uucp:$nologin" \
		"proxy:x:13:13:proxy:/bin:$nologin" \
		"www-data:x:33:33:www-data:/var/www:$nologin" \
		"backup:x:34:34:backup:/var/backups:$nologin" \
		"list:x:38:38:Mailing List Manager:/var/list:$nologin" \
		"irc:x:39:39:ircd:/run/ircd:$nologin" \
		"_apt:x:42:65534::/nonexistent:$nologin" \
		"messagebus:x:100:101::/nonexistent:$nologin" \
		"redis:x:101:102::/var/lib/redis:$nologin" \
		'postgres:x:102:103:PostgreSQL administrator:/var/lib/postgresql:/bin/bash' \
		"mysql:x:103:104:MySQL Server:/nonexistent:/bin/false" \
		"memcache:x:104:105:Memcached:/nonexistent:/bin/false" \
		"sshd:x:105:65534::/run/sshd:$nologin" \
		"systemd-network:x:998:998:systemd Network Management:/:$nologin" \
		"nobody:x:65534:65534:nobody:/nonexistent:$nologin"
}

base_group() {
	printf '%s\n' root:x:0: daemon:x:1: bin:x:2: sys:x:3: adm:x:4: tty:x:5: disk:x:6: lp:x:7: mail:x:8: \
		news:x:9: uucp:x:10: man:x:12: proxy:x:13: kmem:x:15: dialout:x:20: fax:x:21: voice:x:22: \
		cdrom:x:24: floppy:x:25: tape:x:26: sudo:x:27: audio:x:29: dip:x:30: www-data:x:33: backup:x:34: \
		operator:x:37: list:x:38: irc:x:39: src:x:40: shadow:x:42: utmp:x:43: video:x:44: sasl:x:45: \
		plugdev:x:46: staff:x:50: games:x:60: users:x:100: messagebus:x:101: redis:x:102: \
		postgres:x:103: mysql:x:104: memcache:x:105: ssl-cert:x:106:postgres systemd-network:x:998: \
		nogroup:x:65534:
}

# plan_base: what every root gets unless it already has it: /etc/passwd
# and /etc/group (above), /etc/hostname, /etc/hosts, the host's /etc/localtime (as a
# file), /tmp (1777) and /root; for dynamic programs what ld.so reads.
plan_base() {
	etc=$work/etc
	mkdir -p "$etc" || return 1
	base_passwd >"$etc/passwd"
	base_group >"$etc/group"
	printf 'skiff\n' >"$etc/hostname"
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$etc/hosts"
	for pb_f in passwd group hostname hosts; do
		# A fixed mtime: the same content gives the same cache key.
		touch -t 200001010000 "$etc/$pb_f"
		plan E "@work/etc/$pb_f" "etc/$pb_f"
	done
	[ -f /etc/localtime ] && plan E /etc/localtime etc/localtime
	plan D tmp 1777
	plan D root 0700
	# Libraries outside ld.so's default directories are found through
	# the cache: the guest gets the host's (its paths are the same).
	[ -n "$need_ld_cache" ] && [ -r /etc/ld.so.cache ] && plan E /etc/ld.so.cache etc/ld.so.cache
	[ -r /etc/ld-musl-x86_64.path ] && [ -n "$musl_interp" ] &&
		plan E /etc/ld-musl-x86_64.path etc/ld-musl-x86_64.path
	# LANG=C.UTF-8 needs the locale's files with glibc (not with musl).
	if [ -n "$need_glibc_locale" ] && [ -d /usr/lib/locale/C.utf8 ]; then
		stage_path /usr/lib/locale/C.utf8 || return 1
	fi
	return 0
}

# plan_shell: the host's /bin/sh for a glibc program. system(), popen(),
# tar -z, make and many more run commands through /bin/sh; a glibc program
# brings libc already, so Debian's dash costs ~125 KiB more. Not for static
# or musl programs (it would bring glibc along), not over a root of the
# user's (--rootfs, --initrd), and not when an --add puts a /bin/sh there.
plan_shell() {
	[ -n "$need_glibc_locale" ] && [ -z "$rootfs$initrd" ] || return 0
	[ -e /bin/sh ] || return 0
	grep -q '	bin/sh$' "$work/plan" 2>/dev/null && return 0
	stage_path /bin/sh || return 1
	pack_deps "$staged_real"
}

# plan_terminfo: a program that draws on the terminal through ncurses (htop,
# less, vim) needs the terminfo entry of its TERM: Debian's small database
# (/lib/terminfo, ncurses-base) whole, and the host terminal's own entry from
# the larger one (/usr/share/terminfo) when it is only there.
plan_terminfo() {
	grep -q 'libtinfo\|libncurses' "$work/plan" 2>/dev/null || return 0
	if [ -d /lib/terminfo ] && ! grep -q '	lib/terminfo$\|	usr/lib/terminfo$' "$work/plan"; then
		stage_path /lib/terminfo || return 1
	fi
	pt_term=${TERM:-}
	case $pt_term in "" | */* | .*) return 0 ;; esac
	pt_first=$(printf '%s' "$pt_term" | cut -c1)
	for pt_f in "/lib/terminfo/$pt_first/$pt_term" "/usr/share/terminfo/$pt_first/$pt_term"; do
		[ -e "$pt_f" ] && { stage_path "$pt_f" || return 1; return 0; }
	done
	return 0
}

# ---------------------------------------------------------------- building

# inside_root P: the physical directory of P is inside the staging root (a
# symlink with an absolute target from --rootfs must never make us write
# into the host's own directories).
inside_root() {
	ir_d=$(cd -P -- "$(dirname -- "$1")" 2>/dev/null && pwd -P) || return 1
	case $ir_d/ in
	"$root_phys"/*) return 0 ;;
	*) return 1 ;;
	esac
}

# build_root DEST: carry out the plan into DEST.
build_root() {
	root=$1
	mkdir -p -- "$root" && root_phys=$(cd -P -- "$root" && pwd -P) || return 1
	while IFS='	' read -r br_op br_a br_b; do
		case $br_a in @work/*) br_a=$work/${br_a#@work/} ;; esac
		case $br_op in
		R)
			cp -pPR -- "$br_a/." "$root/" || { msg "--rootfs: cannot copy $br_a"; return 1; }
			;;
		I)
			(cd "$root" && cpio -idm --quiet --no-absolute-filenames) <"$br_a" || {
				msg "--initrd: cannot extract $br_a (not a cpio archive?)"
				return 1
			}
			;;
		A)
			mkdir -p -- "$(dirname -- "$root/$br_b")" &&
				inside_root "$root/$br_b" &&
				copy_in "$br_a" "$root/$br_b" || { msg "cannot copy $br_a"; return 1; }
			;;
		F | E)
			if [ "$br_op" = E ] && { [ -e "$root/$br_b" ] || [ -L "$root/$br_b" ]; }; then
				continue
			fi
			mkdir -p -- "$(dirname -- "$root/$br_b")" &&
				inside_root "$root/$br_b" &&
				rm -f -- "$root/$br_b" &&
				cp -pL -- "$br_a" "$root/$br_b" || { msg "cannot copy $br_a"; return 1; }
			;;
		L)
			[ -e "$root/$br_a" ] || [ -L "$root/$br_a" ] && continue
			mkdir -p -- "$(dirname -- "$root/$br_a")" &&
				inside_root "$root/$br_a" &&
				ln -s -- "$br_b" "$root/$br_a" || { msg "cannot link $br_a"; return 1; }
			;;
		X)
			inside_root "$root/$br_a" && rm -rf -- "${root:?}/$br_a" || { msg "cannot remove /$br_a"; return 1; }
			;;
		D)
			[ -e "$root/$br_a" ] || [ -L "$root/$br_a" ] && continue
			mkdir -p -- "$root/$br_a" && chmod "$br_b" "$root/$br_a" ||
				{ msg "cannot create /$br_a"; return 1; }
			;;
		esac
	done <"$work/plan"
	rm -rf -- "$root/.skiff"
}

# ---------------------------------------------------------------- the cache
#
# ${SKIFF_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/skiff}/KEY.cpio: the
# packed root, without the cpio trailer, so the run's own /.skiff files can
# simply be appended (the kernel reads one archive up to its trailer). KEY
# covers the plan and the size, mtime, inode, mode and owner of every input
# (tools/pack/key.c): an image is reused whenever no input changed.
# --no-cache or SKIFF_NO_CACHE=1 bypass it; the most recently used images
# are kept up to SKIFF_CACHE_MAX MiB (default 2048) in all.
CACHE_MAX_MIB=2048

cache_dir() {
	if [ -n "${SKIFF_CACHE_DIR:-}" ]; then
		printf '%s\n' "$SKIFF_CACHE_DIR"
	elif [ -n "${XDG_CACHE_HOME:-}" ]; then
		printf '%s/skiff\n' "$XDG_CACHE_HOME"
	elif [ -n "${HOME:-}" ]; then
		printf '%s/.cache/skiff\n' "$HOME"
	else
		return 1
	fi
}

# pack_root: $root_cpio, the trailer-less image of the plan, from the cache
# or written by skiff-pack (into the cache when there is one).
pack_root() {
	key=
	cdir=
	if [ -z "$no_cache" ] && [ -z "${SKIFF_NO_CACHE:-}" ] && cdir=$(cache_dir); then
		key=$("$PACK" key "$work/plan" "$work" "skiff $SKIFF_VERSION" "$(cksum <"$0")" "$(cksum <"$PACK")") ||
			key=
	fi
	if [ -n "$key" ] && [ -f "$cdir/$key.cpio" ]; then
		[ -n "$verbose" ] && msg "initrd from the cache: $cdir/$key.cpio"
		touch -- "$cdir/$key.cpio" 2>/dev/null
		root_cpio=$cdir/$key.cpio
		return 0
	fi
	root_cpio=$work/root.cpio
	if [ -n "$key" ] && mkdir -p -- "$cdir" 2>/dev/null && [ -w "$cdir" ]; then
		root_cpio=$cdir/$key.cpio
	fi
	"$PACK" pack "$work/plan" "$work" "$root_cpio" || exit "$EX_FAIL"
	if [ "$root_cpio" != "$work/root.cpio" ]; then
		[ -n "$verbose" ] && msg "initrd cached as $root_cpio"
		"$PACK" trim "$cdir" "$((${SKIFF_CACHE_MAX:-$CACHE_MAX_MIB} * 1048576))"
	fi
	return 0
}

# ---------------------------------------------------------------- /.skiff

# write_skiff_files ARGV...: /.skiff/argv, /.skiff/env and maybe /.skiff/cwd, NUL-terminated as the contract says, in $work/tail.
write_skiff_files() {
	sk=$work/tail/.skiff
	mkdir -p -- "$sk" || return 1
	printf '%s\0' "$@" >"$sk/argv" || return 1
	: >"$sk/env"
	user_has_key PATH || printf '%s\0' "PATH=$DEFAULT_ENV_PATH" >>"$sk/env"
	user_has_key HOME || printf '%s\0' "HOME=/root" >>"$sk/env"
	if ! user_has_key TERM; then
		wsf_term=linux
		[ -t 1 ] && [ -n "${TERM:-}" ] && wsf_term=$TERM
		printf '%s\0' "TERM=$wsf_term" >>"$sk/env"
	fi
	user_has_key LANG || printf '%s\0' "LANG=C.UTF-8" >>"$sk/env"
	if [ -f "$work/env.user" ]; then
		cat -- "$work/env.user" >>"$sk/env" || return 1
	fi
	if [ -n "$workdir" ]; then
		printf '%s' "$workdir" >"$sk/cwd" || return 1
	fi
	mounts_file "$sk/mounts" || return 1
	# stdin is not packed: it streams through the skiff.stdin port (run_qemu).
}

# ---------------------------------------------------------------- PATH and #!

# guest_env_path: the guest's PATH (a --env PATH=..., else the default).
guest_env_path() {
	gep=
	[ -f "$work/env.user" ] && gep=$(tr '\0' '\n' <"$work/env.user" | sed -n 's/^PATH=//p' | tail -n 1)
	printf '%s\n' "${gep:-$DEFAULT_ENV_PATH}"
}

# path_search NAME DIRS [ROOT]: the first DIR/NAME (DIR in the colon-separated DIRS, inside the directory
# ROOT if given) that a shell would run: an executable regular file (or, inside ROOT, a symlink, whose
# absolute target means ROOT's file, not the host's). Empty and relative entries (the current directory)
# are skipped. Sets found.
path_search() {
	found=
	ps_ifs=$IFS
	IFS=:
	for ps_d in $2; do
		IFS=$ps_ifs
		case $ps_d in /*) ;; *) continue ;; esac
		ps_f=${ps_d%/}/$1
		if [ -n "${3:-}" ] && [ -L "$3$ps_f" ]; then
			found=$ps_f
			break
		fi
		if [ -f "${3:-}$ps_f" ] && [ -x "${3:-}$ps_f" ]; then
			found=$ps_f
			break
		fi
	done
	IFS=$ps_ifs
	[ -n "$found" ]
}

# initrd_search NAME: path_search in the --initrd archive's listing.
initrd_search() {
	found=
	[ -f "$work/initrd.list" ] || cpio -it --quiet <"$initrd" 2>/dev/null | sed 's|^\./||; s|^/*||' >"$work/initrd.list"
	is_ifs=$IFS
	IFS=:
	for is_d in $(guest_env_path); do
		IFS=$is_ifs
		case $is_d in /*) ;; *) continue ;; esac
		is_f=${is_d%/}/$1
		if grep -qxF -- "${is_f#/}" "$work/initrd.list"; then
			found=$is_f
			break
		fi
	done
	IFS=$is_ifs
	[ -n "$found" ]
}

# resolve_program NAME: PROGRAM as a shell finds it: a name without a slash is looked up in $PATH, the
# host's for a packed root (like env, sudo or timeout), the guest's inside --rootfs or --initrd. Sets prog;
# a name found nowhere ends the run with 127 as a shell's "command not found" does.
resolve_program() {
	prog=$1
	case $1 in */* | "") return 0 ;; esac
	if [ -n "$rootfs" ]; then
		path_search "$1" "$(guest_env_path)" "$rootfs"
	elif [ -n "$initrd" ]; then
		initrd_search "$1"
	else
		path_search "$1" "${PATH:-$DEFAULT_ENV_PATH}"
	fi || fail "$EX_NOENT" "$1: command not found"
	prog=$found
	[ -n "$verbose" ] && msg "$1 is $prog"
	return 0
}

# planned_guest PATH: an --add already puts something at the guest PATH.
planned_guest() {
	awk -F '\t' -v p="${1#/}" '($1 == "A" || $1 == "F" || $1 == "E") && $3 == p { f = 1 } END { exit !f }' "$work/plan"
}

# script_line FILE: FILE starts with #!; sets si_interp (the first word after it) and si_arg (the rest,
# trimmed: Linux passes it as one optional argument).
script_line() {
	[ -f "$1" ] && [ -r "$1" ] || return 1
	[ "$(head -c 2 -- "$1" 2>/dev/null)" = '#!' ] || return 1
	si_line=$(head -n 1 -- "$1" | cut -c3- | tr '\t' ' ')
	si_line=${si_line#"${si_line%%[! ]*}"}
	si_interp=${si_line%%" "*}
	si_arg=${si_line#"$si_interp"}
	si_arg=${si_arg#"${si_arg%%[! ]*}"}
	si_arg=${si_arg%"${si_arg##*[! ]}"}
	[ -n "$si_interp" ]
}

# env_target ARG: the program `#!/usr/bin/env ARG` runs: the first word that is not an option of env
# (-S, -i, -u NAME, -C DIR ...) nor NAME=VALUE.
env_target() {
	et_skip=
	# shellcheck disable=SC2086 # env -S splits the argument into words too
	for et_w in $1; do
		if [ -n "$et_skip" ]; then
			et_skip=
			continue
		fi
		case $et_w in
		-u | -C | --unset | --chdir) et_skip=1 ;;
		-* | *=*) ;;
		*) printf '%s\n' "$et_w"; return 0 ;;
		esac
	done
}

# plan_interp FILE: if FILE is a #! script, its interpreter (from the host, at the same path) with what it
# loads; an interpreter that is itself a script, in turn (Linux allows a few levels); with /usr/bin/env,
# the program env will run, found in the guest's PATH. An interpreter that an --add provides is left alone.
plan_interp() {
	pi_file=$1
	pi_depth=0
	while [ "$pi_depth" -lt 4 ] && script_line "$pi_file"; do
		pi_depth=$((pi_depth + 1))
		case $si_interp in
		/*) ;;
		*) return 0 ;; # relative to the cwd at exec time: nothing to find here
		esac
		planned_guest "$si_interp" && return 0
		if [ ! -e "$si_interp" ]; then
			msg "warning: $pi_file: its interpreter $si_interp is not on this host"
			return 0
		fi
		check_plan_path "$si_interp" || return 1
		stage_path "$si_interp" || return 1
		pi_file=$staged_real
		pack_deps "$pi_file" || return 1
		plan_runtime "$pi_file" || return 1
		case ${pi_file##*/} in
		env)
			pi_t=$(env_target "$si_arg")
			[ -n "$pi_t" ] || return 0
			case $pi_t in
			/*) ;;
			*/*) return 0 ;;
			*)
				path_search "$pi_t" "$(guest_env_path)" || {
					msg "warning: $1: $pi_t (run by env) is not on this host"
					return 0
				}
				pi_t=$found
				;;
			esac
			planned_guest "$pi_t" && return 0
			[ -e "$pi_t" ] || return 0
			stage_path "$pi_t" || return 1
			pi_file=$staged_real
			pack_deps "$pi_file" || return 1
			plan_runtime "$pi_file" || return 1
			;;
		esac
	done
	return 0
}

# ---------------------------------------------------------------- the runtimes' libraries
#
# python3, perl, ruby, lua, tclsh and node find their libraries (python's encodings, perl's List::Util,
# ruby's json) in directories they were built to search. The host's own runtime, the same file, is asked
# for that search path, in the environment the guest gets (env -i: no PYTHONPATH, PERL5LIB, RUBYLIB), and
# the directories of it that exist are packed, with the libraries their ELF modules load; not the user's
# own (under $HOME, the current directory), not the site directories python adds (-S), not a
# whole /usr/lib, and not one above RUNTIME_DIR_MAX_KIB (a warning says to --add it).

RUNTIME_DIR_MAX_KIB=131072
set_runtimes='
'

# runtime_kind FILE: python, perl, ruby, lua, tcl or node, from the name of the (symlink-free) FILE.
runtime_kind() {
	case ${1##*/} in
	python3 | python3.[0-9] | python3.[0-9][0-9]) echo python ;;
	perl | perl5.*) echo perl ;;
	ruby | ruby[0-9]*) echo ruby ;;
	lua | lua5.[0-9] | luajit | luajit-*) echo lua ;;
	tclsh | tclsh[0-9]*) echo tcl ;;
	node | nodejs) echo node ;;
	*) return 1 ;;
	esac
}

# runtime_ask KIND FILE ARGS...: run the host runtime FILE as the guest would (a fixed environment,
# no stdin unless given, a time limit).
runtime_ask() {
	shift
	env -i PATH="$DEFAULT_ENV_PATH" HOME=/nonexistent LANG=C.UTF-8 timeout 30 "$@" 2>/dev/null
}

# runtime_dirs KIND FILE: the runtime's search path, one directory per line.
runtime_dirs() {
	case $1 in
	python) runtime_ask "$@" -I -S -c 'import sys; print("\n".join(sys.path))' </dev/null ;;
	perl) runtime_ask "$@" -e 'print "$_\n" for @INC' </dev/null ;;
	ruby)
		runtime_ask "$@" -e 'puts $LOAD_PATH; puts Gem.default_specifications_dir if defined?(Gem)' </dev/null
		;;
	lua)
		runtime_ask "$@" -e 'print(package.path) print(package.cpath)' </dev/null |
			tr ';' '\n' | sed -e 's|?.*||' -e 's|/*$||'
		;;
	tcl) printf '%s\n' 'puts [info library]' 'foreach d $auto_path { puts $d }' exit | runtime_ask "$@" ;;
	node) runtime_ask "$@" -e 'console.log(require("module").globalPaths.join("\n"))' </dev/null ;;
	esac
}

# runtime_dir_ok DIR: one of the search path's directories worth packing.
runtime_dir_ok() {
	case $1 in
	/*) ;;
	*) return 1 ;; # "" or ".": the current directory
	esac
	[ -d "$1" ] || return 1
	case ${1%/} in
	"" | /usr | /usr/lib | /usr/lib64 | /usr/share | /usr/local | /usr/local/lib | /usr/local/share | /lib | /lib64 | \
		/usr/lib/x86_64-linux-gnu | /lib/x86_64-linux-gnu | /etc | /opt | /var | /home | /root | /tmp | \
		/bin | /sbin | /usr/bin | /usr/sbin | */site-packages | */dist-packages)
		return 1
		;;
	esac
	if [ -n "${HOME:-}" ] && [ "$HOME" != / ]; then
		case $1/ in "${HOME%/}"/*) return 1 ;; esac
	fi
	[ "$(cd -P -- "$1" && pwd -P)" != "$(pwd -P)" ] || return 1
	rdo_kib=$(du -skL -- "$1" 2>/dev/null | cut -f1)
	if [ "${rdo_kib:-0}" -gt "$RUNTIME_DIR_MAX_KIB" ]; then
		msg "warning: not packing $1 ($((rdo_kib / 1024)) MiB; --add it if the program needs it)"
		return 1
	fi
}

# stage_runtime_dir DIR PRUNE: plan DIR (through its symlinks) without its entries named PRUNE (a glob;
# python's config-3.X-x86_64-linux-gnu, 25 MB of static library for building extensions), and what its
# ELF modules load.
stage_runtime_dir() {
	stage_path "$1" || return 1
	srd_real=$staged_real
	if [ -n "$2" ]; then
		for srd_e in "$srd_real"/$2; do
			[ -e "$srd_e" ] || [ -L "$srd_e" ] || continue
			check_plan_path "$srd_e" || return 1
			plan X "${srd_e#/}"
		done
	fi
	pack_tree_deps "$srd_real" "$2"
}

# plan_runtime FILE: if FILE (a symlink-free host path) is one of the runtimes, its library directories.
plan_runtime() {
	[ -z "$no_runtime_libs" ] || return 0
	pr_kind=$(runtime_kind "$1") || return 0
	add_to_set set_runtimes "$1" || return 0
	# Left out (top-level names): what only building extensions needs (python's config-3.X-*, 25 MB;
	# perl's CORE, 8 MB of headers and libperl.a).
	case $pr_kind in
	python) pr_prune='config-[0-9]*' ;;
	perl) pr_prune=CORE ;;
	*) pr_prune= ;;
	esac
	runtime_dirs "$pr_kind" "$1" | sed 's|/*$||' | LC_ALL=C sort -u >"$work/rt.dirs"
	pr_chosen='
'
	while IFS= read -r pr_d; do
		# A directory inside one already packed comes with it (the list is sorted: parents first).
		pr_in=
		for pr_c in $pr_chosen; do
			case $pr_d/ in "$pr_c"/*) pr_in=1 ;; esac
		done
		[ -z "$pr_in" ] || continue
		runtime_dir_ok "$pr_d" || continue
		check_plan_path "$pr_d" || return 1
		pr_chosen="$pr_chosen$pr_d
"
		[ -n "$verbose" ] && msg "$1: packing its library directory $pr_d"
		stage_runtime_dir "$pr_d" "$pr_prune" || return 1
	done <"$work/rt.dirs"
	return 0
}

# plan_program PROGRAM: check the host PROGRAM (mirroring a shell's 127 and
# 126 for bad paths), plan it at its guest path, set argv0 to that path.
# Not meant for $(...): it exits, and must do so in the main shell.
plan_program() {
	if [ ! -e "$1" ]; then
		msg "$1: No such file or directory"
		exit "$EX_NOENT"
	fi
	if [ -d "$1" ]; then
		msg "$1: Is a directory"
		exit "$EX_NOEXEC"
	fi
	if [ ! -r "$1" ]; then
		msg "$1: Permission denied"
		exit "$EX_NOEXEC"
	fi
	argv0=$(guest_path "$1") || fail "$EX_FAIL" "cannot resolve $1"
	check_plan_path "$argv0" || exit "$EX_FAIL"
	case $argv0 in
	# An absolute path is staged as the host has it, symlinks included
	# (/usr/bin/python3 -> python3.11, /bin -> usr/bin).
	/*) stage_path "$argv0" || exit "$EX_FAIL" ;;
	*)
		plan A "$1" "$(strip_slashes "$argv0")"
		# Relative to the guest's / (its default cwd); with --workdir
		# the program is still found there.
		[ -n "$workdir" ] && argv0=/$argv0
		;;
	esac
	pack_deps "$1" main || exit "$EX_FAIL"
	plan_runtime "$(readlink -f -- "$1")" || exit "$EX_FAIL"
	plan_interp "$1" || exit "$EX_FAIL"
}

# make_initrd: the root image, then the run's own /.skiff files, then the trailer.
make_initrd() {
	"$PACK" initrd "$root_cpio" "$work/tail" "$work/initrd.cpio" || exit "$EX_FAIL"
}


# make_iso CMDLINE: a BIOS-bootable GRUB ISO holding kernel and initrd.
# GRUB 2 leaves the kernel's path out of the multiboot command line while
# QEMU -kernel puts it first; naming it here keeps the first word the same
# for both, so a kernel that skips the first word loses no option.
make_iso() {
	command -v grub-mkrescue >/dev/null 2>&1 ||
		fail "$EX_FAIL" "--iso needs grub-mkrescue (packages grub-pc-bin grub-common xorriso mtools)"
	isodir=$work/iso
	if ! { mkdir -p "$isodir/boot/grub" &&
		cp -- "$kernel" "$isodir/boot/skiff.elf" &&
		cp -- "$work/initrd.cpio" "$isodir/boot/initrd.cpio"; }; then
		fail "$EX_FAIL" "cannot stage the ISO tree"
	fi
	cat >"$isodir/boot/grub/grub.cfg" <<EOF
set timeout=0
set default=0
menuentry "skiff" {
	multiboot /boot/skiff.elf /boot/skiff.elf $1
	module /boot/initrd.cpio
	boot
}
EOF
	if ! grub-mkrescue -o "$work/skiff.iso" "$isodir" >"$work/grub.log" 2>&1; then
		cat -- "$work/grub.log" >&2
		fail "$EX_FAIL" "grub-mkrescue failed"
	fi
}

# ---------------------------------------------------------------- memory

# The kernel unpacks the initrd into memory and gives the archive's pages back as it passes them, so a
# root needs, besides the kernel's own few MiB: every file's pages (whole 4 KiB pages: 4,000 small files
# take 16 MiB), a little per entry, and, while a file is being copied out, that file twice (the archive
# part is freed only after it): measured under QEMU, a 40 MB file needs 81M, 4,000 files of 4 bytes
# 21M, python3 with its standard library (48 MB) 61M, node (102 MB, one 99 MB file) 197M.
MEM_BASE_KIB=6144       # the kernel, its page tables, allocator bitmap, stacks, a first process
MEM_ENTRY_KIB=1         # an inode, a directory entry and a page list, rounded up
MEM_DEFAULT_KIB=131072  # 128M: the least a run gets when --mem is not given
MEM_HEADROOM_KIB=65536  # over the root, for the program itself, when --mem is not given

# root_mem_kib CPIO: what the root in the archive CPIO needs, as above, in KiB (skiff-pack reads it with
# the kernel's own cpio reader).
root_mem_kib() {
	"$PACK" mem "$1" "$MEM_BASE_KIB" "$MEM_ENTRY_KIB" 2>/dev/null
}

# size_memory: without --mem, enough for the root plus headroom (at least 128M, in steps of 16M); with
# --mem, refuse a size the root cannot fit in, before booting (instead of a kernel panic).
size_memory() {
	sm_need=$(root_mem_kib "$work/initrd.cpio")
	[ -n "$sm_need" ] || return 0
	sm_packed=$(($(wc -c <"$work/initrd.cpio") / 1048576))
	sm_need_m=$(((sm_need + 1023) / 1024))
	if [ -n "$mem" ]; then
		[ "$mem_kib" -ge "$sm_need" ] || fail "$EX_FAIL" "--mem $mem is too small: this root ($sm_packed MiB packed) does not fit in this VM's memory; it needs --mem ${sm_need_m}M or more"
		return 0
	fi
	sm_kib=$((sm_need + MEM_HEADROOM_KIB))
	sm_kib=$(((sm_kib + 16383) / 16384 * 16384))
	[ "$sm_kib" -ge "$MEM_DEFAULT_KIB" ] || sm_kib=$MEM_DEFAULT_KIB
	mem=$((sm_kib / 1024))M
	[ -n "$verbose" ] && msg "memory: --mem $mem (the root, $sm_packed MiB packed, needs about ${sm_need_m}M; --mem chooses)"
	return 0
}

# ---------------------------------------------------------------- output relays

# QEMU must not open our stdout/stderr by name (/dev/stdout): that creates a
# new open file description with its own offset, so when stdout is a regular
# file, whatever writes to it after us (`{ skiff run ...; echo x; } >f`)
# overwrites the program's output. Instead QEMU writes into a FIFO and a
# `cat` that inherited our real descriptor copies it out, live.
#
# start_relay NAME FD: FIFO $work/NAME relayed to our descriptor FD (1 or 2).
# The shell then holds the FIFO open for writing itself (on fd 5, 6 or 7):
# if QEMU dies before opening it, the cat still gets its end-of-file when
# we close our end instead of waiting forever.
start_relay() {
	mkfifo "$work/$1" || fail "$EX_FAIL" "cannot create a FIFO in $work"
	if [ "$2" = 2 ]; then
		cat "$work/$1" >&2 &
	else
		cat "$work/$1" &
	fi
	relay_pids="$relay_pids $!"
}

close_holds() {
	exec 5>&- 6>&- 7>&-
}

wait_relays() {
	close_holds
	for p in $relay_pids; do
		wait "$p" 2>/dev/null
	done
	relay_pids=
}

# ---------------------------------------------------------------- qemu

# quote_args ARGS...: the words, single-quoted where needed, for a log line
# that can be pasted back into a shell.
quote_args() {
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_.,:=/+-]* | "")
			printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")" ;;
		*) printf '%s ' "$a" ;;
		esac
	done
}

# kvm_watch PID: on a "KVM internal error" QEMU pauses the VM and waits
# forever for a monitor we do not have; stop it instead, so the run ends
# (with status 125 and that error shown) rather than hangs.
kvm_watch() {
	while kill -0 "$1" 2>/dev/null; do
		if grep -q "KVM internal error" "$work/qemu.err" 2>/dev/null; then
			kill -TERM "$1"
			return
		fi
		sleep 1
	done
}

# parse_port [ADDR:]HOST:GUEST: one --port, appended to hostfwds as QEMU's
# ",hostfwd=tcp:ADDR:HOST-:GUEST".
parse_port() {
	pp_spec=$1
	case $pp_spec in
	*:*:*) pp_addr=${pp_spec%%:*} pp_spec=${pp_spec#*:} ;;
	*) pp_addr=127.0.0.1 ;;
	esac
	pp_host=${pp_spec%%:*} pp_guest=${pp_spec#*:}
	case $pp_spec in *:*) ;; *) usage_error "--port: expected [ADDR:]HOST_PORT:GUEST_PORT, got '$1'" ;; esac
	expr "x$pp_addr" : 'x[0-9]\{1,3\}\.[0-9]\{1,3\}\.[0-9]\{1,3\}\.[0-9]\{1,3\}$' >/dev/null ||
		usage_error "--port: '$pp_addr' is not an IPv4 address like 127.0.0.1"
	for pp_p in "$pp_host" "$pp_guest"; do
		case $pp_p in
		"" | *[!0-9]* | 0*) usage_error "--port: '$pp_p' is not a port number (1-65535) in '$1'" ;;
		esac
		[ "${#pp_p}" -le 5 ] && [ "$pp_p" -le 65535 ] ||
			usage_error "--port: '$pp_p' is not a port number (1-65535) in '$1'"
	done
	hostfwds="$hostfwds,hostfwd=tcp:$pp_addr:$pp_host-:$pp_guest"
}

# ---------------------------------------------------------------- volumes
#
# -v HOST:GUEST[:ro]: the host directory HOST, shared live over virtio-9p.
# The contract with the kernel (docs/host-interface.md): volume i is QEMU's
#   -fsdev local,id=skiffv<i>,path=HOST,security_model=none,multidevs=remap[,readonly=on]
#   -device virtio-9p-pci,fsdev=skiffv<i>,mount_tag=skiffv<i>
# and one record in /.skiff/mounts (mounts_file). $work/volumes holds one
# line per volume: "TAG<TAB>ABSOLUTE HOST DIR<TAB>GUEST<TAB>rw|ro".

# parse_volume SPEC: check one -v and append it to $work/volumes. A missing
# HOST is an error now, before anything boots.
parse_volume() {
	[ "$volumes_on" = 1 ] || fail "$EX_FAIL" "-v: host volumes are not in this build yet (SKIFF_VOLUMES=0): nothing would reach the host"
	pv_spec=$1 pv_mode=rw
	case $pv_spec in
	*"
"* | *"	"*) usage_error "-v: paths with newlines or tabs are not supported" ;;
	*:ro) pv_mode=ro pv_spec=${pv_spec%:ro} ;;
	*:rw) pv_spec=${pv_spec%:rw} ;;
	esac
	case $pv_spec in
	?*:?*) ;;
	*) usage_error "-v: expected HOST:GUEST[:ro], got '$1'" ;;
	esac
	pv_host=${pv_spec%:*} pv_guest=${pv_spec##*:}
	case $pv_guest in
	/*) ;;
	*) usage_error "-v: the guest path must be absolute, got '$pv_guest' in '$1'" ;;
	esac
	has_dotdot "$pv_guest" && usage_error "-v: the guest path must not contain '..': $pv_guest"
	# One spelling per directory (/a//b/ is /a/b), so that nested volumes sort parent first.
	pv_guest=$(printf '%s\n' "$pv_guest" | sed -e 's|/\./|/|g' -e 's|/\.$||' -e 's|//*|/|g' -e 's|\(.\)/$|\1|')
	[ -n "$pv_guest" ] || pv_guest=/
	[ "$pv_guest" != / ] || usage_error "-v: cannot share a volume at /: use --rootfs DIR"
	case $pv_guest in
	/.skiff | /.skiff/*) usage_error "-v: /.skiff is skiff's own" ;;
	esac
	[ -e "$pv_host" ] || fail "$EX_FAIL" "-v: $pv_host: No such file or directory"
	[ -d "$pv_host" ] || fail "$EX_FAIL" "-v: $pv_host: Not a directory"
	pv_abs=$(cd -P -- "$pv_host" && pwd -P) || fail "$EX_FAIL" "-v: $pv_host: cannot enter the directory"
	case $pv_abs in
	*"
"* | *"	"*) usage_error "-v: paths with newlines or tabs are not supported" ;;
	esac
	if [ -s "$work/volumes" ] && cut -f3 "$work/volumes" | grep -qxF -- "$pv_guest"; then
		usage_error "-v: two volumes at $pv_guest"
	fi
	printf 'skiffv%d\t%s\t%s\t%s\n' "$nvolumes" "$pv_abs" "$pv_guest" "$pv_mode" >>"$work/volumes"
	nvolumes=$((nvolumes + 1))
}

# live_root: --rootfs DIR shared as / (tag skiffroot): read-only on the host
# side, with the kernel's in-memory layer over it ("ro,overlay"), or written
# through with DIR:rw. Nothing of DIR is packed; --add would be hidden under
# the mount, so it is refused (-v shares more host files).
live_root() {
	[ -s "$work/adds" ] && usage_error "--add cannot be used with a live --rootfs (the root is DIR itself; -v shares more)"
	lr_abs=$(cd -P -- "$rootfs" && pwd -P) || fail "$EX_FAIL" "--rootfs: cannot enter $rootfs"
	case $lr_abs in
	*"
"* | *"	"*) usage_error "--rootfs: paths with newlines or tabs are not supported" ;;
	esac
	live=1
	lr_mode=ro,overlay
	[ -n "$rootfs_rw" ] && lr_mode=rw
	# The first device; mounts_file sorts by target, so / comes first there anyway.
	printf 'skiffroot\t%s\t/\t%s\n' "$lr_abs" "$lr_mode" >"$work/volumes.new" &&
		{ [ ! -f "$work/volumes" ] || cat -- "$work/volumes" >>"$work/volumes.new"; } &&
		mv -f -- "$work/volumes.new" "$work/volumes" || fail "$EX_FAIL" "cannot write in $work"
}

# qemu_opt_escape S: S as a QEMU option value (a comma is written twice).
qemu_opt_escape() {
	printf '%s\n' "$1" | sed 's/,/,,/g'
}

# mounts_file FILE: /.skiff/mounts, what the kernel mounts before the
# program starts: per mount 4 fields, each followed by a NUL byte: fstype
# (9p), source (the mount tag), target (an absolute guest path, created if
# missing) and options (rw or ro; a live root: ro,overlay or rw). Parents come before what is mounted
# inside them (sorted by target). No file when there is nothing to mount.
mounts_file() {
	[ -s "$work/volumes" ] || return 0
	LC_ALL=C sort -t '	' -k3,3 "$work/volumes" |
		while IFS='	' read -r mf_tag mf_host mf_guest mf_mode; do
			printf '9p\0%s\0%s\0%s\0' "$mf_tag" "$mf_guest" "$mf_mode"
		done >"$1"
}

# volume_args: append to the positional parameters the QEMU devices of the
# volumes; used as `eval "set -- \"\$@\" $(volume_args)"`.
volume_args() {
	[ -s "$work/volumes" ] || return 0
	while IFS='	' read -r va_tag va_host va_guest va_mode; do
		va_ro=
		case $va_mode in ro | ro,*) va_ro=,readonly=on ;; esac
		quote_args -fsdev "local,id=$va_tag,path=$(qemu_opt_escape "$va_host"),security_model=none,multidevs=remap$va_ro" \
			-device "virtio-9p$vbus,fsdev=$va_tag,mount_tag=$va_tag"
	done <"$work/volumes"
}

# machine_setup: what --machine changes on QEMU's command line. pc and q35
# put the virtio devices on PCI; microvm has no PCI and no ACPI, its virtio
# devices are virtio-mmio transports that QEMU names to the kernel on its
# command line (virtio_mmio.device=, added only with acpi=off; the kernel
# takes IRQs from the PICs, so ioapic2=off keeps them below 16), modern
# (version 2) ones with force-legacy=false, and one ISA serial port unless
# more are added as devices (serial_port).
machine_setup() {
	case $machine in
	microvm)
		machine_opts=microvm,acpi=off,ioapic2=off,pic=on,pit=on,rtc=on,isa-serial=off
		vbus=-device vromfile=
		machine_extra="-global virtio-mmio.force-legacy=false"
		;;
	*)
		machine_opts=$machine
		vbus=-pci vromfile=,romfile=
		machine_extra=
		;;
	esac
}

# serial_port N: the QEMU options that make chardev sN the guest's COMN.
serial_port() {
	if [ "$machine" = microvm ]; then
		printf '%s\n' -device "isa-serial,chardev=s$1,index=$(($1 - 1))"
	else
		printf '%s\n' -serial "chardev:s$1"
	fi
}

# run_qemu CMDLINE: boots the VM; sets qstatus to QEMU's exit status (or
# timeout's 124).
run_qemu() {
	rq_cmdline=$1
	machine_setup
	stdin_tty=
	[ -t 0 ] && stdin_tty=1

	# The program's stdio travels on virtio-console ports (docs/host-interface.md): skiff.stdout and
	# skiff.stderr write into the same relays as COM1 and COM2 (which carry only what the kernel says
	# before virtio is up), and stdin is QEMU's own stdin through the stdio backend: a terminal, or a
	# pipe or file whose end reaches the program as end-of-file. With a terminal on both stdin and
	# stdout, one port (skiff.tty) carries both ways. signal=off: ^C reaches the program as SIGINT.
	start_relay com1 1
	exec 5>"$work/com1"
	set -- -chardev "file,id=s1,path=$work/com1,append=on" $(serial_port 1)
	start_relay com2 2
	exec 6>"$work/com2"
	set -- "$@" -chardev "file,id=s2,path=$work/com2,append=on" $(serial_port 2)

	if [ -n "$verbose$strace" ]; then
		start_relay com3 2
		exec 7>"$work/com3"
		set -- "$@" -chardev "file,id=s3,path=$work/com3,append=on" $(serial_port 3)
	else
		set -- "$@" -chardev "file,id=s3,path=$work/klog" $(serial_port 3)
	fi
	set -- "$@" -chardev "file,id=s4,path=$work/control" $(serial_port 4)

	set -- "$@" -device "virtio-serial$vbus,max_ports=5" \
		-chardev "file,id=v2,path=$work/com2,append=on" -device virtserialport,chardev=v2,name=skiff.stderr,nr=2 \
		-chardev stdio,id=v0,signal=off
	# skiff.signal: signals for the program (forward_signal) through a FIFO that QEMU opens for reading and
	# writing (a pipe chardev with no PATH.in/PATH.out); we hold it open the same way on fd 8, so that neither
	# open waits for the other and what we write before the guest is ready waits in the FIFO.
	mkfifo "$work/signal" || fail "$EX_FAIL" "cannot create a FIFO in $work"
	exec 8<>"$work/signal"
	set -- "$@" -chardev "pipe,id=v4,path=$work/signal" -device virtserialport,chardev=v4,name=skiff.signal,nr=4
	# QEMU's stdout: QEMU sets O_NONBLOCK on it while it runs, and that flag belongs to the open file, which
	# our stdout relay shares: a full pipe downstream would then fail the relay's writes with EAGAIN. So QEMU
	# gets our stdout only when it writes there itself, for the terminal port; else /dev/null.
	exec 4>/dev/null
	if [ -n "$stdin_tty" ] && [ -t 1 ]; then
		exec 4>&1
		set -- "$@" -device virtserialport,chardev=v0,name=skiff.tty,nr=1
	else
		set -- "$@" -chardev "file,id=v1,path=$work/com1,append=on" \
			-device virtserialport,chardev=v1,name=skiff.stdout,nr=1 \
			-device virtserialport,chardev=v0,name=skiff.stdin,nr=3
	fi
	if [ -n "$stdin_tty" ]; then
		saved_tty=$(stty -g 2>/dev/null) || saved_tty= # restored on every way out (restore_tty)
	fi

	# --net: a virtio-net card on QEMU's user-mode network (slirp: no root, no host interface); the guest
	# gets 10.0.2.15 by DHCP, the host is 10.0.2.2 and DNS 10.0.2.3. --port adds hostfwd rules.
	if [ -n "$net" ]; then
		set -- "$@" -netdev "user,id=n0,ipv4=on,ipv6=on$hostfwds" -device "virtio-net$vbus,netdev=n0$vromfile"
	fi

	# -v volumes: virtio-9p devices (the kernel mounts them from /.skiff/mounts); with --iso too.
	eval "set -- \"\$@\" $(volume_args)"
	# shellcheck disable=SC2086 # machine_extra is a list of words
	set -- "$@" $machine_extra

	case $accel in
	# arch-capabilities off: under nested KVM (as on our CI hosts) QEMU 7.2
	# aborts writing MSR 0x10a (IA32_ARCH_CAPABILITIES) with plain
	# -cpu host; skiff has no use for that MSR.
	kvm) set -- "$@" -accel kvm -cpu host,-arch-capabilities ;;
	# SKIFF_CPU: another CPU model for TCG (e.g. qemu64, Haswell, EPYC), to check that skiff does not
	# depend on what only -cpu max offers (test/boot/run.sh).
	*) if [ "$cpus" -gt 1 ]; then
		set -- "$@" -accel tcg,thread=multi -cpu "${SKIFF_CPU:-max}" # a host thread per CPU
	else
		set -- "$@" -accel tcg -cpu "${SKIFF_CPU:-max}"
	fi ;;
	esac
	[ "$cpus" -gt 1 ] && set -- "$@" -smp "$cpus"

	set -- -M "$machine_opts" -m "$mem" "$@" \
		-nodefaults -no-reboot -display none -monitor none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
	if [ -n "$iso" ]; then
		set -- "$@" -cdrom "$work/skiff.iso" -boot d
	else
		set -- "$@" -kernel "$kernel" -initrd "$work/initrd.cpio" -append "$rq_cmdline"
		# qboot starts ~60 ms sooner than SeaBIOS; it cannot boot a CD, so --iso keeps SeaBIOS.
		fw_rom=${SKIFF_QBOOT:-/usr/share/qemu/qboot.rom}
		if [ "$firmware" = qboot ] || { [ "$firmware" = auto ] && [ -r "$fw_rom" ]; }; then
			[ -r "$fw_rom" ] || fail "$EX_FAIL" "--firmware qboot: $fw_rom is missing (package qemu-system-data)"
			set -- "$@" -bios "$fw_rom"
		elif [ "$machine" = microvm ]; then
			set -- "$@" -bios /usr/share/seabios/bios-microvm.bin # SeaBIOS's build for microvm
		fi
	fi
	if [ -n "$timeout" ]; then
		# --foreground: keep QEMU in our process group so a terminal on
		# stdin stays usable; -k: SIGKILL if SIGTERM is not enough.
		set -- timeout --foreground -k 5 "$(awk -v t="$timeout" 'BEGIN { print t + 10 }')" "$QEMU" "$@"
	else
		set -- "$QEMU" "$@"
	fi
	# QEMU dies of SIGINT, SIGTERM and SIGHUP whatever their disposition. Without a terminal on stdin it needs
	# none, so it gets a session of its own: ^C on the terminal, or `timeout` signalling its whole process
	# group, reach only us, and we pass them on. (With one, QEMU must stay in the terminal's foreground group
	# to read it; it puts it in raw mode, so keys make no signals.) Not a group leader, setsid does not fork.
	if [ -z "$stdin_tty" ] && command -v setsid >/dev/null 2>&1; then
		set -- setsid "$@"
	fi
	[ -n "$verbose" ] && msg "running: $(quote_args "$@")"

	# In the background so that our signal traps can still run and stop
	# it; an asynchronous command's stdin is /dev/null unless given, so
	# our stdin (the program's) is passed on explicitly through fd 3.
	exec 3<&0
	"$@" <&3 >&4 2>"$work/qemu.err" 3<&- 4>&- 5>&- 6>&- 7>&- 8>&- &
	qpid=$!
	exec 3<&- 4>&-
	if [ "$accel" = kvm ]; then
		kvm_watch "$qpid" </dev/null >/dev/null 2>&1 8>&- &
	fi
	sig_port=1
	# A trapped signal ends `wait` early (status > 128) once its trap has run: wait again, for QEMU's status.
	while :; do
		sig_caught=
		wait "$qpid"
		qstatus=$?
		[ -n "$sig_caught" ] || break
	done
	sig_port=
	qpid=
	exec 8>&-
	if [ -n "$stop_watch" ]; then
		kill -TERM "$stop_watch" 2>/dev/null
		wait "$stop_watch" 2>/dev/null
		stop_watch=
	fi
	restore_tty
	wait_relays
}

# QEMU puts a terminal in raw mode and normally restores it; if QEMU is killed, we do.
restore_tty() {
	if [ -n "${saved_tty:-}" ]; then
		stty "$saved_tty" 2>/dev/null || :
		saved_tty=
	fi
}

# ---------------------------------------------------------------- results

klog_tail() {
	if [ -z "$verbose$strace" ] && [ -s "$work/klog" ]; then
		msg "last lines of the kernel log:"
		tail -n 25 -- "$work/klog" | sed 's/^/  | /' >&2
	fi
}

qemu_errors() {
	# Our own SIGTERM (timeout, the KVM watch) is no news.
	errs=$(grep -v "terminating on signal" "$work/qemu.err" 2>/dev/null)
	if [ -n "$errs" ]; then
		msg "QEMU said:"
		printf '%s\n' "$errs" | sed 's/^/  | /' >&2
	fi
}

# exit_status: the N of the last `exit N` line on COM4, if any.
exit_status() {
	[ -f "$work/control" ] || return 0
	tr -d '\r' <"$work/control" |
		sed -n 's/^.*exit \([0-9][0-9]*\)[[:space:]]*$/\1/p' | tail -n 1
}

finish() {
	if [ -e "$work/stop-killed" ]; then
		case $stop_sig in 2) stop_name=SIGINT ;; 3) stop_name=SIGQUIT ;; *) stop_name=SIGTERM ;; esac
		msg "the program did not end within $stop_timeout s of $stop_name: killed with SIGKILL"
	fi
	if [ -e "$work/qemu-killed" ] && [ -z "$(exit_status)" ]; then
		msg "the VM did not stop after SIGKILL: QEMU killed"
		klog_tail
		exit 137
	fi
	n=$(exit_status)
	if [ -n "$n" ] && [ "$n" -le 255 ]; then
		# 125 after an "error" control line: the kernel refused the host's input and said why on stderr
		if [ "$n" -eq "$EX_FAIL" ] && ! tr -d '\r' <"$work/control" | grep -qx error; then
			msg "the kernel panicked"
			klog_tail
		fi
		[ -n "$verbose" ] && qemu_errors
		exit "$n"
	fi
	if [ -n "$timeout" ] && { [ "$qstatus" -eq 124 ] || [ "$qstatus" -eq 137 ]; }; then
		msg "timed out after $timeout seconds"
		qemu_errors
		klog_tail
		exit "$EX_TIMEOUT"
	fi
	msg "the VM ended without an exit status (qemu status $qstatus)"
	qemu_errors
	klog_tail
	exit "$EX_FAIL"
}

# ---------------------------------------------------------------- main

# ---------------------------------------------------------------- main

make_work() {
	# QEMU reads its -chardev and -initrd paths as comma-separated lists
	# (-initrd with no escape at all), so the work dir must have no comma.
	tmpdir=${TMPDIR:-/tmp}
	case $tmpdir in *,*) tmpdir=/tmp ;; esac
	work=$(mktemp -d "$tmpdir/skiff.XXXXXX") ||
		fail "$EX_FAIL" "cannot create a temporary directory"
	: >"$work/adds"
	: >"$work/plan"
	: >"$work/queue"
}

# plan_adds: the --add steps, each added ELF file or tree with what it loads.
plan_adds() {
	while IFS= read -r spec; do
		add_one "$spec" || exit "$EX_FAIL"
		if [ -d "$host" ]; then
			pack_tree_deps "$host" || exit "$EX_FAIL"
		else
			pack_deps "$host" || exit "$EX_FAIL"
			plan_interp "$host" || exit "$EX_FAIL"
		fi
	done <"$work/adds" || exit "$EX_FAIL"
}

need_pack() {
	[ -x "$PACK" ] || fail "$EX_FAIL" "skiff-pack not found: $PACK (run make)"
}

cmd_run() {
	make_work

	while [ $# -gt 0 ]; do
		# --opt=value is the same as --opt value.
		case $1 in
		--rootfs=* | --initrd=* | --add=* | --env=* | --mem=* | --accel=* | --cpus=* | \
			--timeout=* | --stop-timeout=* | --kernel=* | --workdir=* | --kernel-arg=* | --firmware=* | --port=* | --volume=* | \
			--machine=* | --user=*)
			opt=${1%%=*} val=${1#*=}
			shift
			set -- "$opt" "$val" "$@"
			;;
		esac
		case $1 in
		--rootfs)
			need_arg "$1" $#
			rootfs=$2 rootfs_rw=
			# DIR:rw (a directory really named so wins); :ro is the default, said out loud.
			if [ ! -d "$rootfs" ]; then
				case $rootfs in
				?*:rw) rootfs=${rootfs%:rw} rootfs_rw=1 ;;
				?*:ro) rootfs=${rootfs%:ro} ;;
				esac
			fi
			shift 2
			;;
		--initrd) need_arg "$1" $#; initrd=$2; shift 2 ;;
		--add)
			need_arg "$1" $#
			case $2 in
			*"
"*) usage_error "--add: paths with newlines are not supported" ;;
			esac
			printf '%s\n' "$2" >>"$work/adds"
			shift 2
			;;
		--env) need_arg "$1" $#; parse_env "$2"; shift 2 ;;
		--mem)
			need_arg "$1" $#
			mem=$2
			# QEMU's size syntax: a number with an optional k/M/G/T (MiB without one). Below 3 MiB the
			# firmware and the kernel cannot both fit: say so instead of letting the VM hang.
			case $mem in
			*[!0-9kKmMgGtT]* | "" | [kKmMgGtT]*) usage_error "--mem: a size like 64M or 1G, please" ;;
			*[kK]) mem_kib=${mem%?} ;;
			*[mM]) mem_kib=$((${mem%?} * 1024)) ;;
			*[gG]) mem_kib=$((${mem%?} * 1048576)) ;;
			*[tT]) mem_kib=$((${mem%?} * 1073741824)) ;;
			*) mem_kib=$((mem * 1024)) ;;
			esac
			[ "$mem_kib" -ge 3072 ] || usage_error "--mem $mem is too small: skiff needs at least 3M"
			shift 2
			;;
		--accel) need_arg "$1" $#; accel=$2; shift 2 ;;
		--cpus)
			need_arg "$1" $#
			case $2 in
			[1-9] | 1[0-6]) cpus=$2 ;;
			*) usage_error "--cpus: a number of CPUs from 1 to 16, got '$2'" ;;
			esac
			shift 2
			;;
		--timeout) need_arg "$1" $#; timeout=$2; shift 2 ;;
		--stop-timeout) need_arg "$1" $#; stop_timeout=$2; shift 2 ;;
		--kernel) need_arg "$1" $#; kernel=$2; shift 2 ;;
		--kernel-arg)
			need_arg "$1" $#
			case $2 in
			*[!A-Za-z0-9_=.,:/-]* | "") usage_error "--kernel-arg: one word of letters, digits and _=.,:/- please" ;;
			esac
			kernel_args="$kernel_args $2"
			shift 2
			;;
		--workdir) need_arg "$1" $#; workdir=$2; shift 2 ;;
		--user) # resolved by the kernel against the guest root's /etc/passwd and /etc/group (user=)
			need_arg "$1" $#
			case $2 in
			"" | :* | *: | *:*:* | *[!A-Za-z0-9_.:-]*) usage_error "--user: expected USER[:GROUP] (names or numbers), got '$2'" ;;
			esac
			kernel_args="$kernel_args user=$2"
			shift 2
			;;
		--no-cache) no_cache=1; shift ;;
		--no-runtime-libs) no_runtime_libs=1; shift ;;
		--firmware)
			need_arg "$1" $#
			case $2 in
			auto | seabios | qboot) firmware=$2 ;;
			*) usage_error "--firmware: auto, seabios or qboot" ;;
			esac
			shift 2
			;;
		--machine)
			need_arg "$1" $#
			case $2 in
			pc | q35 | microvm) machine=$2 machine_given=1 ;;
			*) usage_error "--machine: pc, q35 or microvm" ;;
			esac
			shift 2
			;;
		--net) net=1; shift ;;
		--allow-host) net=1 allow_host=1; shift ;;
		--port) need_arg "$1" $#; parse_port "$2"; net=1; shift 2 ;;
		-v | --volume) need_arg "$1" $#; parse_volume "$2"; shift 2 ;;
		--strace) strace=1; shift ;;
		--verbose) verbose=1; shift ;;
		--iso) iso=1; shift ;;
		-h | --help) usage; exit 0 ;;
		--) shift; break ;;
		-*) usage_error "unknown option: $1" ;;
		*) break ;;
		esac
	done
	[ $# -ge 1 ] || usage_error "run: missing PROGRAM"
	[ -z "$rootfs" ] || [ -z "$initrd" ] ||
		usage_error "--rootfs and --initrd cannot be used together"
	case $machine in
	pc | q35 | microvm) ;;
	*) usage_error "SKIFF_MACHINE: pc, q35 or microvm, not '$machine'" ;;
	esac
	case $cpus in
	[1-9] | 1[0-6]) ;;
	*) usage_error "SKIFF_CPUS: a number of CPUs from 1 to 16, got '$cpus'" ;;
	esac
	if [ -n "$iso" ] && [ "$machine" = microvm ]; then
		# microvm cannot boot a CD: asked for, that is an error; as SKIFF_MACHINE's default, --iso boots pc
		[ -z "${machine_given:-}" ] || usage_error "--iso needs --machine pc or q35 (microvm cannot boot a CD)"
		machine=pc
	fi

	case $accel in
	tcg | kvm) ;;
	auto) accel=tcg ;; # kvm is not yet known to work with skiff
	*) usage_error "--accel: expected tcg, kvm or auto, got '$accel'" ;;
	esac
	[ -z "$mem" ] || expr "x$mem" : 'x[1-9][0-9]*[KMGTkmgt]\{0,1\}$' >/dev/null ||
		usage_error "--mem: expected a size like 128M, got '$mem'"
	if [ -n "$timeout" ]; then
		case $timeout in
		"" | *[!0-9.]* | .* | *. | *.*.*) bad=1 ;;
		*) bad= ;;
		esac
		[ -z "$bad" ] ||
			usage_error "--timeout: expected seconds, got '$timeout'"
	fi
	case $stop_timeout in
	"" | *[!0-9.]* | .* | *. | *.*.*) usage_error "--stop-timeout: expected seconds, got '$stop_timeout'" ;;
	esac
	case $workdir in
	"" | /*) ;;
	*) usage_error "--workdir: expected an absolute guest path, got '$workdir'" ;;
	esac
	case $workdir in
	*"
"*) usage_error "--workdir: paths with newlines are not supported" ;;
	esac

	if [ -z "$kernel" ]; then
		# build/skiff names its own (an installed one: PREFIX/lib/skiff/skiff.elf)
		kernel=${SKIFF_DEFAULT_KERNEL:-$(dirname -- "$0")/../build/skiff.elf}
	fi
	[ -f "$kernel" ] || fail "$EX_FAIL" "kernel not found: $kernel (run make)"
	command -v "$QEMU" >/dev/null 2>&1 ||
		fail "$EX_FAIL" "$QEMU not found (package qemu-system-x86)"
	if [ "$accel" = kvm ] && { [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; }; then
		fail "$EX_FAIL" "--accel kvm: /dev/kvm is missing or not accessible"
	fi
	need_pack

	# The root: a given tree or archive, then --add on top, then PROGRAM
	# and what it loads, then the base files the root still lacks.
	if [ -n "$rootfs" ]; then
		[ -d "$rootfs" ] || fail "$EX_FAIL" "--rootfs: $rootfs is not a directory"
		check_plan_path "$rootfs" || exit "$EX_FAIL"
		if [ "$live_rootfs" = 1 ]; then
			live_root
		else
			[ -z "$rootfs_rw" ] ||
				fail "$EX_FAIL" "--rootfs $rootfs:rw needs a kernel that shares the root live (9P); this one packs it"
			plan R "$(cd -P -- "$rootfs" && pwd -P)"
		fi
	elif [ -n "$initrd" ]; then
		if [ ! -f "$initrd" ] || [ ! -r "$initrd" ]; then
			fail "$EX_FAIL" "--initrd: cannot read $initrd"
		fi
		check_plan_path "$initrd" || exit "$EX_FAIL"
		plan I "$(abs_path "$initrd")"
	fi
	plan_adds
	resolve_program "$1"
	if [ -n "$rootfs$initrd" ]; then
		argv0=$prog # a guest path: whether it exists is the kernel's to say
	else
		plan_program "$prog"
	fi
	shift
	plan_shell || fail "$EX_FAIL" "cannot add /bin/sh"
	plan_terminfo || fail "$EX_FAIL" "cannot add the terminfo database"
	# A live root has its own /etc; the kernel puts /dev, /proc and /tmp over it.
	[ -n "$live" ] || plan_base || fail "$EX_FAIL" "cannot write the base files"
	pack_root
	write_skiff_files "$argv0" "$@" ||
		fail "$EX_FAIL" "cannot write /.skiff files"
	make_initrd

	cmdline=$kernel_args
	[ -n "$verbose" ] && cmdline="$cmdline verbose"
	[ -n "$strace" ] && cmdline="$cmdline strace"
	# --timeout: the kernel ends the program itself at the deadline (so that it writes back what it holds for
	# host volumes, then powers off with 124); QEMU is killed only if the guest has not ended 10 s later.
	[ -n "$timeout" ] && cmdline="$cmdline deadline=$timeout"
	# --net is a sandbox: the kernel refuses the host's own addresses unless --allow-host (docs/net.md)
	[ -n "$allow_host" ] && cmdline="$cmdline net_host=1"
	# Which of stdin, stdout, stderr are terminals here: there, only those
	# answer isatty() (bzip2 -c refuses to write to a terminal).
	ttys=
	[ -t 0 ] && ttys=${ttys}0
	[ -t 1 ] && ttys=${ttys}1
	[ -t 2 ] && ttys=${ttys}2
	if [ -n "$ttys" ]; then
		cmdline="$cmdline tty=$ttys"
		ws=$(stty size 2>/dev/null </dev/tty) || ws=
		case $ws in
		[1-9]*" "[1-9]*) cmdline="$cmdline winsize=${ws% *}x${ws#* }" ;;
		esac
	fi
	# microvm lists no CPUs (no ACPI, no MP table): the kernel is told how many
	[ "$cpus" -gt 1 ] && cmdline="$cmdline cpus=$cpus"
	# the host's clock: the guest's RTC lags it by up to a second (kernel/clock.c takes the later)
	cmdline="$cmdline walltime=$(date +%s.%N)"
	cmdline=${cmdline# }
	size_memory
	[ -n "$iso" ] && make_iso "$cmdline"

	run_qemu "$cmdline"
	finish
}

# skiff rootfs [--add HOST[:GUEST]]... DIR PROGRAM...: the root `run` would
# pack for these programs, written into DIR (created if need be), for
# --rootfs, a container, or a look at what goes in.
cmd_rootfs() {
	make_work
	while [ $# -gt 0 ]; do
		case $1 in
		--add=*) spec=${1#*=}; shift; set -- --add "$spec" "$@" ;;
		esac
		case $1 in
		--add)
			need_arg "$1" $#
			case $2 in
			*"
"*) usage_error "--add: paths with newlines are not supported" ;;
			esac
			printf '%s\n' "$2" >>"$work/adds"
			shift 2
			;;
		--verbose) verbose=1; shift ;;
		--no-runtime-libs) no_runtime_libs=1; shift ;;
		-h | --help) usage; exit 0 ;;
		--) shift; break ;;
		-*) usage_error "unknown option: $1" ;;
		*) break ;;
		esac
	done
	[ $# -ge 2 ] || usage_error "rootfs: expected DIR PROGRAM..."
	dest=$1
	shift
	if [ -e "$dest" ] && [ ! -d "$dest" ]; then
		fail "$EX_FAIL" "rootfs: $dest exists and is not a directory"
	fi
	need_pack
	plan_adds
	for prog in "$@"; do
		resolve_program "$prog"
		case $prog in
		/*) ;;
		*) prog=$(abs_path "$prog") || fail "$EX_FAIL" "cannot resolve $prog" ;;
		esac
		plan_program "$prog"
	done
	plan_shell || fail "$EX_FAIL" "cannot add /bin/sh"
	plan_terminfo || fail "$EX_FAIL" "cannot add the terminfo database"
	plan_base || fail "$EX_FAIL" "cannot write the base files"
	build_root "$dest" || exit "$EX_FAIL"
	[ -n "$verbose" ] && msg "wrote $(find "$dest" | wc -l) entries into $dest"
	return 0
}

main() {
	trap cleanup EXIT
	# The guest's numbers (Linux x86_64): the program gets them while the VM runs (on_signal).
	trap 'on_signal 2' INT
	trap 'on_signal 15' TERM
	trap 'on_signal 1' HUP
	trap 'on_signal 3' QUIT
	trap 'on_signal 10' USR1
	trap 'on_signal 12' USR2

	[ $# -ge 1 ] || { usage >&2; exit "$EX_FAIL"; }
	case $1 in
	run) shift; cmd_run "$@" ;;
	rootfs) shift; cmd_rootfs "$@" ;;
	version | --version) printf 'skiff %s\n' "$SKIFF_VERSION" ;;
	-h | --help | help) usage ;;
	*) usage_error "unknown command: $1" ;;
	esac
}

main "$@"
