# bench/net.sh — issue 15's nginx rows of `make bench` (step_net, sourced by bench/run.sh after volumes.sh) and
# the guest side shared with `make soak` (bench/soak.sh). Debian's nginx serves a static 4 KiB page; `ab` on the
# host loads it through QEMU's user-mode network (slirp) and a forwarded port, once with a connection per request
# and once with keep-alive. Both guests get the very same root (nginx, its config, busybox), the same QEMU
# (-M pc, qboot as tools/skiff run boots, same accelerator, same -m) and the same network device
# (-netdev user,hostfwd=... + virtio-net-pci). skiff is started by `tools/skiff run --initrd`; Linux by QEMU with
# its initramfs: /netrun loads virtio_net (CONFIG_VIRTIO_NET=m on Debian's kernel) and its dependencies with
# busybox insmod, gives eth0 slirp's usual address (10.0.2.15/24, gateway 10.0.2.2) with busybox ip, then runs
# /netserve as skiff does.
#
# Needs: W (work directory), BIN, KERNEL, MEM, ACCEL, ACCFLAGS, BASEFLAGS, QEMU, LINUX_CMDLINE, B (for vmlinux)
# and, for the Linux half, volumes.sh's linux_mods and run.sh's linux_extras.

NET_PAGE=4096 # bytes of the page ab fetches

# net_conf DIR: nginx's config (/ngx), the page (/www/index.html) and /netserve into the root DIR
net_conf() {
	mkdir -p "$1/ngx" "$1/www" "$1/tmp" || return 1
	head -c "$NET_PAGE" /dev/zero | tr '\0' 's' >"$1/www/index.html"
	# one worker without a master (the process the load talks to is the one started), no access log, the
	# page by sendfile; keepalive_requests high enough that ab -k keeps its connections for the whole run
	cat >"$1/ngx/nginx.conf" <<'EOF'
daemon off;
master_process off;
worker_processes 1;
error_log stderr warn;
pid /ngx/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    keepalive_requests 100000000;
    client_body_temp_path /ngx/body;
    proxy_temp_path /ngx/proxy;
    fastcgi_temp_path /ngx/fastcgi;
    uwsgi_temp_path /ngx/uwsgi;
    scgi_temp_path /ngx/scgi;
    server { listen 8080 backlog=511; root /www; }
}
EOF
	# /netserve N [redis]: the servers in the background, then /proc/meminfo to each of N connections on port
	# 9000 (the host reads it with nc), then the end of the guest (its init exits: the VM powers off)
	cat >"$1/netserve" <<'EOF'
#!/bin/sh
/usr/sbin/nginx -c /ngx/nginx.conf -p /ngx/ &
[ "${2:-}" = redis ] && /usr/bin/redis-server --save "" --appendonly no --protected-mode no --port 6379 \
	--loglevel warning &
n=${1:-1}
while [ "$n" -gt 0 ]; do
	/bin/busybox nc -l -p 9000 -e /bin/busybox cat /proc/meminfo
	n=$((n - 1))
done
echo "netserve: done"
EOF
	chmod +x "$1/netserve"
}

# net_root DIR PROGRAM...: a root holding PROGRAMs as `tools/skiff rootfs` packs them, busybox and net_conf
net_root() {
	nr_d=$1
	shift
	rm -rf "$nr_d"
	tools/skiff rootfs --no-runtime-libs "$nr_d" /usr/sbin/nginx /bin/busybox "$@" >"$W/log/rootfs-net.log" 2>&1 &&
		net_conf "$nr_d"
}

# net_linux DIR: turns the root DIR into the Linux guest's: linux_extras (linit, busybox as /bin/sh), the
# virtio-net modules (DIR/netmods) and /netrun
net_linux() {
	linux_extras "$1" && linux_mods "$1" netmods virtio_pci virtio_net || return 1
	cat >"$1/netrun" <<'EOF'
#!/bin/sh
# /netrun ARGS... (run by linit): virtio-net up at slirp's usual address, then /netserve ARGS...
for m in $(cat /netmods); do
	/bin/busybox insmod "/lib/modules/$m" || { echo "netrun: insmod $m failed"; exit 120; }
done
/bin/busybox ip addr add 10.0.2.15/24 dev eth0 && /bin/busybox ip link set eth0 up &&
	/bin/busybox ip route add default via 10.0.2.2 || { echo "netrun: eth0 setup failed"; exit 121; }
exec /bin/sh /netserve "$@"
EOF
	chmod +x "$1/netrun"
}

net_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# net_start SYSTEM LABEL CPIO TIMEOUT MEM FWDS ARGS...: the guest in the background (its pid in NET_VM), console
# output in $W/log/LABEL.out; FWDS is a list of HOSTPORT:GUESTPORT
net_start() {
	ns_s=$1 ns_l=$2 ns_i=$3 ns_t=$4 ns_m=$5 ns_f=$6
	shift 6
	if [ "$ns_s" = skiff ]; then
		ns_p=
		for f in $ns_f; do ns_p="$ns_p --port $f"; done
		# shellcheck disable=SC2086
		tools/skiff run --kernel "$KERNEL" --mem "$ns_m" --accel "$ACCEL" --timeout "$ns_t" --initrd "$ns_i" \
			$ns_p /bin/sh /netserve "$@" </dev/null >"$W/log/$ns_l.out" 2>"$W/log/$ns_l.err" &
	else
		ns_p=
		for f in $ns_f; do ns_p="$ns_p,hostfwd=tcp:127.0.0.1:${f%%:*}-:${f#*:}"; done
		# shellcheck disable=SC2086
		timeout "$ns_t" "$QEMU" -M pc -m "$ns_m" $ACCFLAGS $BASEFLAGS -bios qboot.rom -serial stdio \
			-netdev "user,id=n0$ns_p" -device virtio-net-pci,netdev=n0,romfile= \
			-kernel "$B/vmlinux" -initrd "$ns_i" -append "$LINUX_CMDLINE rdinit=/linit -- /bin/sh /netrun $*" \
			</dev/null >"$W/log/$ns_l.out" 2>"$W/log/$ns_l.err" &
	fi
	NET_VM=$!
}

# net_ready PORT TRIES: nginx answers the page (QEMU accepts a forwarded connection before the guest listens,
# so the answer is what counts); a try a second
net_ready() {
	nr_i=0
	while [ "$nr_i" -lt "$2" ]; do
		[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/index.html" 2>/dev/null)" = 200 ] &&
			return 0
		sleep 1
		nr_i=$((nr_i + 1))
	done
	return 1
}

# net_meminfo PORT FILE: the guest's /proc/meminfo (netserve's port 9000) into FILE
net_meminfo() {
	nm_i=0
	while [ "$nm_i" -lt 30 ]; do
		timeout 20 /bin/busybox nc 127.0.0.1 "$1" </dev/null >"$2" 2>/dev/null
		grep -q '^MemFree:' "$2" && return 0
		sleep 1
		nm_i=$((nm_i + 1))
	done
	return 1
}
meminfo_kb() { awk -v k="$1:" '$1 == k { print $2 }' "$2"; } # meminfo_kb FIELD FILE

# net_stop: wait for the guest to end by itself (netserve has served its last meminfo), else end it
net_stop() {
	ns_i=0
	while kill -0 "$NET_VM" 2>/dev/null && [ "$ns_i" -lt 30 ]; do
		sleep 1
		ns_i=$((ns_i + 1))
	done
	kill "$NET_VM" 2>/dev/null
	wait "$NET_VM" 2>/dev/null
}

# net_ab LOG N C URL [ab options]: one ab run (-r: a reset or refused connection is counted, not fatal; -s 30: a
# request without an answer for 30 s ends the run, ab's only way). Sets AB_RPS, AB_P99 (ms; empty when ab did not
# finish), AB_ERR (requests not completed + failed + non-2xx) and AB_WHY (what went wrong, or empty)
net_ab() {
	na_log=$1 na_n=$2 na_c=$3 na_u=$4
	shift 4
	timeout $((na_n / 20 + 600)) ab -r -s 30 "$@" -n "$na_n" -c "$na_c" "$na_u" >"$na_log" 2>&1
	na_st=$?
	AB_RPS=$(sed -n 's/^Requests per second: *\([0-9.]*\).*/\1/p' "$na_log")
	AB_P99=$(awk '$1 == "99%" { print $2 }' "$na_log")
	na_done=$(sed -n 's/^Complete requests: *//p' "$na_log")
	[ -z "$na_done" ] && na_done=$(sed -n 's/^Total of \([0-9]*\) requests completed.*/\1/p' "$na_log" | tail -n 1)
	na_fail=$(sed -n 's/^Failed requests: *//p' "$na_log")
	na_non=$(sed -n 's/^Non-2xx responses: *//p' "$na_log")
	AB_ERR=$((na_n - ${na_done:-0} + ${na_fail:-0} + ${na_non:-0}))
	AB_WHY=
	if [ "$na_st" != 0 ] || [ -z "$AB_RPS" ]; then
		AB_WHY="ab ended with status $na_st: $(grep -v '^Completed\|^Finished\|^This is\|^Copyright\|^Licensed\|^Benchmarking\|^$' "$na_log" | tail -n 1)"
		AB_RPS= AB_P99=
	elif [ "$AB_ERR" != 0 ]; then
		AB_WHY="$AB_ERR errors ($((na_n - na_done)) not completed, failed $na_fail: $(sed -n 's/^   (Connect: \(.*\))$/\1/p' "$na_log"), non-2xx ${na_non:-0})"
	fi
}

# ------------------------------------------------------------------ make bench: the rows
NET_LINUX=ok
build_net_initrds() {
	if ! net_root "$W/root/base-net" >>"$W/log/net-tree.err" 2>&1; then
		NET_LINUX="n/a (the nginx root: $(tail -n 1 "$W/log/rootfs-net.log"))"
		return 1
	fi
	pack "$W/root/base-net" skiff-net
	rm -rf "$W/root/linux-net"
	cp -a "$W/root/base-net" "$W/root/linux-net" &&
		if net_linux "$W/root/linux-net" 2>"$W/log/net-tree.err"; then
			pack "$W/root/linux-net" linux-net
		else
			NET_LINUX="n/a (the Linux guest's virtio-net modules: $(head -n 1 "$W/log/net-tree.err"))"
		fi
	echo "net=nginx $(dpkg-query -W -f '${Version}' nginx-core 2>/dev/null || dpkg-query -W -f '${Version}' nginx 2>/dev/null), one worker (master_process off), a static ${NET_PAGE}-byte page by sendfile; $(ab -V 2>/dev/null | sed -n 's/^This is \(ApacheBench, Version [^ ]*\).*/\1/p') on the host, -c $NET_C; short: $NET_SHORT_N requests, a connection each; keep-alive: $NET_KEEP_N requests (-k); QEMU user-mode network, hostfwd to port 8080, virtio-net-pci; Linux: virtio_net modules ($(tr '\n' ' ' <"$W/root/linux-net/netmods" 2>/dev/null)), 10.0.2.15/24 by busybox ip" >>"$W/facts.txt"
}

# net_run SYSTEM I: one boot of SYSTEM, the short-connection run then the keep-alive run; samples and notes
net_run() {
	nx_l=net-$1-$2
	nx_h=$(net_port) nx_m=$(net_port)
	net_start "$1" "$nx_l" "$W/initrd/$1-net.cpio" 900 "$MEM" "$nx_h:8080 $nx_m:9000" 1
	if ! net_ready "$nx_h" 120; then
		net_stop
		echo "net.nginx.short.rps $1 failed: no page within 120 s (log $W/log/$nx_l.*)" >>"$W/notes.txt"
		return 1
	fi
	nx_ok=0
	for k in short keep; do
		nx_n=$NET_SHORT_N nx_o=
		[ "$k" = keep ] && nx_n=$NET_KEEP_N nx_o=-k
		# shellcheck disable=SC2086
		net_ab "$W/log/$nx_l.ab-$k" "$nx_n" "$NET_C" "http://127.0.0.1:$nx_h/index.html" $nx_o
		sample "net.nginx.$k.errors" "$1" "$AB_ERR"
		[ -n "$AB_RPS" ] && sample "net.nginx.$k.rps" "$1" "$AB_RPS" && sample "net.nginx.$k.p99" "$1" "$AB_P99"
		if [ -n "$AB_WHY" ]; then
			nx_ok=1
			echo "net.nginx.$k.rps $1 run $2: $AB_WHY" >>"$W/net-errors.txt"
			[ -z "$AB_RPS" ] && echo "net.nginx.$k.rps $1 $AB_WHY" >>"$W/notes.txt"
		fi
	done
	net_meminfo "$nx_m" "$W/log/$nx_l.meminfo" || nx_ok=1
	net_stop
	return $nx_ok
}

step_net() {
	if ! command -v ab >/dev/null || ! command -v curl >/dev/null || [ ! -x /usr/sbin/nginx ]; then
		check 0 "nginx rows # SKIP ab, curl or nginx missing: make bench-deps"
		return
	fi
	build_net_initrds || { check 1 "nginx root: $(tail -n 1 "$W/log/rootfs-net.log")"; return; }
	: >"$W/net-errors.txt"
	ok_s=0 ok_l=0
	[ "$NET_LINUX" = ok ] || ok_l=skip
	for i in $(seq "$SYS_REPS"); do
		net_run skiff "$i" || ok_s=1
		[ "$ok_l" = skip ] || net_run linux "$i" || ok_l=1
	done
	[ "$ok_l" = skip ] && echo "net.nginx.short.rps linux $NET_LINUX" >>"$W/notes.txt"
	# the errors of every run, in the facts (a row with errors says so there and in its errors row)
	[ -s "$W/net-errors.txt" ] &&
		echo "net_errors=$(tr '\n' ';' <"$W/net-errors.txt")" >>"$W/facts.txt"
	check $ok_s "skiff: nginx under ab, short and keep-alive, 0 errors$(grep ' skiff ' "$W/net-errors.txt" | head -n 1 | sed 's/^/ (/; s/$/)/')"
	if [ "$ok_l" = skip ]; then
		check 0 "Linux: nginx under ab # SKIP $NET_LINUX"
	else
		check $ok_l "Linux: nginx under ab, short and keep-alive, 0 errors$(grep ' linux ' "$W/net-errors.txt" | head -n 1 | sed 's/^/ (/; s/$/)/')"
	fi
}
