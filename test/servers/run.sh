#!/bin/sh
# test/servers/run.sh: Debian's own servers and clients, unmodified, over skiff's network: redis-server in the
# guest answering redis-cli on the host (--port), nginx in the guest serving files to curl on the host (with
# sendfile and edge-triggered epoll; and Debian's nginx with its own config on the live root), and curl in the
# guest fetching from a server on the host (--net).
#
# Prints TAP and ends with one line "N passed, N failed, N skipped"; exits non-zero if any test failed. A case
# is skipped when the host lacks the program (.ci/run installs them all). Every guest runs under --timeout and
# every host helper under timeout(1): nothing can hang.
#
# Environment: SKIFF, SKIFF_KERNEL as for test/guest/run.sh.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/test/lib/tap.sh"
. "$top/test/lib/guest.sh"

SKIFF=${SKIFF:-$top/tools/skiff}
TIMEOUT=120

test_tmp servers

# ---------------------------------------------------------------- helpers

# guest ARGS...: tools/skiff run in the background (its pid in $vm), output in $tmp/out and $tmp/err.
guest() {
	if [ -n "${SKIFF_KERNEL:-}" ]; then
		set -- --kernel "$SKIFF_KERNEL" "$@"
	fi
	"$SKIFF" run --timeout "$TIMEOUT" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" &
	vm=$!
	pids="$pids $vm"
}

# stop_guest: end the background VM (a server does not exit by itself) and collect its status in $st.
stop_guest() {
	kill "$vm" 2>/dev/null
	wait "$vm" 2>/dev/null
	st=$?
}

# A file of varied bytes, larger than TCP's window many times over.
make_payload() {
	mkdir -p "$tmp/www" &&
		python3 -c 'import random, sys; r = random.Random(11); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(300 * 1024)))' \
			>"$tmp/www/big.bin" &&
		printf 'hello from nginx in skiff\n' >"$tmp/www/index.html" &&
		md5=$(md5sum <"$tmp/www/big.bin" | cut -d' ' -f1)
}

# ---------------------------------------------------------------- tests

t_redis() {
	name="redis-server in the guest, redis-cli on the host through --port: SET, GET, INCR, lists, SHUTDOWN"
	need /usr/bin/redis-server /usr/bin/redis-cli || return
	hport=$(free_port)
	guest --port "$hport:6379" /usr/bin/redis-server --save "" --appendonly no --protected-mode no
	cli() { timeout 20 /usr/bin/redis-cli -p "$hport" "$@"; }
	# QEMU accepts the host's connection before the guest listens: ask until it answers
	i=0
	while [ "$(cli ping 2>/dev/null)" != PONG ] && [ $i -lt 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	{
		cli set greeting "hello skiff"
		cli get greeting
		cli incr counter
		cli incr counter
		cli rpush list a b c
		cli lrange list 0 -1
	} >"$tmp/got" 2>&1
	printf '%s\n' OK "hello skiff" 1 2 3 a b c >"$tmp/expected"
	cli shutdown nosave >/dev/null 2>&1
	wait "$vm" 2>/dev/null
	st=$?
	if ! cmp -s "$tmp/expected" "$tmp/got"; then
		fail "redis-cli got: $(tr '\n' '|' <"$tmp/got") (guest: $(tail -n 3 "$tmp/out" | tr '\n' '|'))"
		return
	fi
	[ "$st" -eq 0 ] || { fail "redis-server ended with status $st after SHUTDOWN"; return; }
	pass
}

t_nginx() {
	name="nginx in the guest (sendfile, edge-triggered epoll), curl on the host: a page, 300 KiB intact, a 404"
	need /usr/sbin/nginx /usr/bin/curl || return
	hport=$(free_port)
	mkdir -p "$tmp/ngx"
	cat >"$tmp/ngx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
error_log stderr info;
pid $tmp/ngx/nginx.pid;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    client_body_temp_path $tmp/ngx/body;
    proxy_temp_path $tmp/ngx/proxy;
    fastcgi_temp_path $tmp/ngx/fastcgi;
    uwsgi_temp_path $tmp/ngx/uwsgi;
    scgi_temp_path $tmp/ngx/scgi;
    server { listen 8080; root $tmp/www; }
}
EOF
	guest --port "$hport:8080" --add "$tmp/ngx" --add "$tmp/www" /usr/sbin/nginx -c "$tmp/ngx/nginx.conf" -p "$tmp/ngx"
	i=0
	while ! timeout 5 /usr/bin/curl -s -o "$tmp/index" "http://127.0.0.1:$hport/" 2>/dev/null && [ $i -lt 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	got_md5=$(timeout 30 /usr/bin/curl -s "http://127.0.0.1:$hport/big.bin" | md5sum | cut -d' ' -f1)
	code=$(timeout 10 /usr/bin/curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$hport/missing")
	stop_guest
	grep -q 'hello from nginx in skiff' "$tmp/index" 2>/dev/null || {
		fail "no index page (guest: $(tail -n 3 "$tmp/err" | tr '\n' '|'))"
		return
	}
	[ "$got_md5" = "$md5" ] || { fail "big.bin arrived different ($got_md5)"; return; }
	[ "$code" = 404 ] || { fail "a missing page answered $code"; return; }
	pass
}

t_nginx_debian() {
	name="Debian's nginx, its own unmodified config (user www-data, worker_processes auto, [::]:80)"
	name="$name on the live root: the welcome page"
	need /usr/sbin/nginx /usr/bin/curl || return
	for f in /etc/nginx/nginx.conf /etc/nginx/sites-enabled/default /var/www/html/index.nginx-debian.html; do
		[ -f "$f" ] || { skip "$f is not on this host"; return; }
	done
	pid_before=$(ls -l --time-style=full-iso /run/nginx.pid 2>&1)
	hport=$(free_port)
	guest --rootfs / --port "$hport:80" /usr/sbin/nginx -g 'daemon off;'
	i=0
	while ! timeout 5 /usr/bin/curl -s -o "$tmp/welcome" "http://127.0.0.1:$hport/" 2>/dev/null && [ $i -lt 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	# a second request: a worker (not the master) answers both, and keeps answering
	code=$(timeout 10 /usr/bin/curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$hport/missing")
	stop_guest
	cmp -s "$tmp/welcome" /var/www/html/index.nginx-debian.html || {
		fail "no welcome page (guest: $(grep -v '^ok\|prctl option' "$tmp/err" | tail -n 3 | tr '\n' '|'))"
		return
	}
	[ "$code" = 404 ] || { fail "a missing page answered $code"; return; }
	# the pid file went to the RAM layer over the live root, not to the host
	[ "$(ls -l --time-style=full-iso /run/nginx.pid 2>&1)" = "$pid_before" ] || {
		fail "the host's /run/nginx.pid changed"
		return
	}
	pass
}

t_curl() {
	name="curl in the guest fetches 300 KiB from a server on the host (10.0.2.2), bytes intact"
	need /usr/bin/curl || return
	port=$(free_port)
	(cd "$tmp/www" && exec timeout 180 python3 -m http.server "$port" --bind 127.0.0.1) >/dev/null 2>&1 &
	srv=$!
	pids="$pids $srv"
	if [ -n "${SKIFF_KERNEL:-}" ]; then
		set -- --kernel "$SKIFF_KERNEL"
	else
		set --
	fi
	"$SKIFF" run --timeout "$TIMEOUT" "$@" --allow-host /usr/bin/curl -s --retry 5 --retry-connrefused \
		"http://10.0.2.2:$port/big.bin" </dev/null >"$tmp/got" 2>"$tmp/err"
	st=$?
	kill "$srv" 2>/dev/null
	[ "$st" -eq 0 ] || { fail "curl exited $st: $(head -c 300 "$tmp/err")"; return; }
	[ "$(md5sum <"$tmp/got" | cut -d' ' -f1)" = "$md5" ] || { fail "the bytes differ ($(wc -c <"$tmp/got") bytes)"; return; }
	pass
}

tap_plan 4
make_payload || { echo "Bail out! cannot make the payload"; exit 1; }
t_redis
t_nginx
t_nginx_debian
t_curl
tap_done
