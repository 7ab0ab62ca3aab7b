#!/bin/sh
# test/servers/run.sh: Debian's own servers and clients, unmodified, over skiff's network: redis-server in the
# guest answering redis-cli on the host (--port), nginx in the guest serving files to curl on the host (with
# sendfile and edge-triggered epoll; and Debian's nginx with its own config on the live root, reloaded with
# `nginx -s reload` under 10,000 requests from ab -c 20), and curl in the guest fetching from a server on the host
# (--net); PostgreSQL (initdb, psql and pgbench from the host, a clean shutdown on SIGTERM to tools/skiff); OpenSSH's
# sshd on the live root (ssh with a pseudo-terminal, scp and sftp from the host).
#
# Prints TAP and ends with one line "N passed, N failed, N skipped"; exits non-zero if any test failed. A case
# is skipped when the host lacks the program (.ci/run installs them all). Every guest runs under --timeout and
# every host helper under timeout(1): nothing can hang.
#
# Environment: SKIFF, SKIFF_KERNEL as for test/guest/run.sh; SERVERS: the cases to run, by function name
# (default: all).

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
	name="$name on the live root: the welcome page, over the forwarded port on 127.0.0.1 and on [::1]"
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
	# the same forwarded port over the host's IPv6 loopback (tools/cli/port6.c), where the host has one
	v6=skip
	if grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null; then
		v6=$(timeout 10 /usr/bin/curl -s -g -o "$tmp/welcome6" -w '%{http_code}' "http://[::1]:$hport/")
	fi
	stop_guest
	cmp -s "$tmp/welcome" /var/www/html/index.nginx-debian.html || {
		fail "no welcome page (guest: $(grep -v '^ok\|prctl option' "$tmp/err" | tail -n 3 | tr '\n' '|'))"
		return
	}
	[ "$code" = 404 ] || { fail "a missing page answered $code"; return; }
	[ "$v6" = skip ] || { [ "$v6" = 200 ] && cmp -s "$tmp/welcome6" /var/www/html/index.nginx-debian.html; } || {
		fail "over [::1]:$hport the page answered $v6"
		return
	}
	# the pid file went to the RAM layer over the live root, not to the host
	[ "$(ls -l --time-style=full-iso /run/nginx.pid 2>&1)" = "$pid_before" ] || {
		fail "the host's /run/nginx.pid changed"
		return
	}
	pass
}

# The guest's side of t_nginx_reload (/bin/sh on the live root, its files on the -v volume /ngr): Debian's nginx
# as is; the master's children listed (workers) once it has them; on the host's "reload" file `nginx -s reload`,
# then the list again once none of the old workers is left and new ones are up; on "quit", `nginx -s quit`.
ngr_script() {
	cat <<'EOF'
workers() { # the master's children, by pid
	for d in /proc/[0-9]*; do
		read -r pid comm state ppid rest <"$d/stat" 2>/dev/null || continue
		[ "$ppid" = "$1" ] && echo "$pid"
	done | sort -n | tr '\n' ' '
}
await() { # await FILE: the host asks (polled once a second: a fork and exec cost nginx's requests CPU)
	while [ ! -e "$1" ]; do sleep 1; done
}
/usr/sbin/nginx -g 'daemon off;' &
master=$!
while [ -z "$(workers $master)" ]; do sleep 0.1; done
workers $master >/ngr/before
await /ngr/reload
/usr/sbin/nginx -s reload || echo "nginx -s reload: status $?" >>/ngr/errors
old=$(cat /ngr/before)
while :; do
	now=" $(workers $master) "
	left=0
	for p in $old; do case $now in *" $p "*) left=1 ;; esac; done
	[ "$left" = 0 ] && [ "$now" != "  " ] && break
	sleep 0.1
done
workers $master >/ngr/after
await /ngr/quit
/usr/sbin/nginx -s quit
wait $master
st=$?
cp /var/log/nginx/error.log /ngr/error.log
echo "nginx ended: $st" >/ngr/ended
EOF
}

t_nginx_reload() {
	name="Debian's nginx (its config, master and workers): ab -n 10000 -c 20 with 0 failed, 0 non-2xx while"
	name="$name 'nginx -s reload' in the guest replaces the workers; served after it; 'nginx -s quit' ends it"
	need /usr/sbin/nginx /usr/bin/curl /usr/bin/ab || return
	[ -f /etc/nginx/sites-enabled/default ] || { skip "Debian's default site is not on this host"; return; }
	mkdir -p "$tmp/ngr" && ngr_script >"$tmp/ngr/run.sh"
	hport=$(free_port)
	TIMEOUT=300 guest --rootfs / --port "$hport:80" -v "$tmp/ngr:/ngr" /bin/sh /ngr/run.sh
	i=0
	while ! timeout 5 /usr/bin/curl -s -o /dev/null "http://127.0.0.1:$hport/" 2>/dev/null && [ $i -lt 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	# the reload while ab runs: ab first, the request to reload at once (the guest polls for it). The page by
	# its name: "/" would look up index.html and index.htm first, each a 9P round trip to the live root.
	timeout 250 /usr/bin/ab -n 10000 -c 20 -s 60 "http://127.0.0.1:$hport/index.nginx-debian.html" >"$tmp/ab.out" 2>&1 &
	ab=$!
	pids="$pids $ab"
	: >"$tmp/ngr/reload"
	while [ ! -s "$tmp/ngr/after" ] && kill -0 "$ab" 2>/dev/null; do
		sleep 0.2
	done
	during=no
	[ -s "$tmp/ngr/after" ] && kill -0 "$ab" 2>/dev/null && during=yes
	wait "$ab"
	abst=$?
	i=0
	while [ ! -s "$tmp/ngr/after" ] && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	code=$(timeout 10 /usr/bin/curl -s -o "$tmp/welcome" -w '%{http_code}' "http://127.0.0.1:$hport/")
	: >"$tmp/ngr/quit"
	i=0
	while [ ! -s "$tmp/ngr/ended" ] && [ $i -lt 300 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	wait "$vm" 2>/dev/null
	st=$?
	echo "workers before: $(cat "$tmp/ngr/before" 2>/dev/null); after: $(cat "$tmp/ngr/after" 2>/dev/null);" \
		"reloaded while ab ran: $during; ab:" \
		"$(grep '^Complete requests\|^Failed requests\|^Non-2xx\|^Requests per second\|^Time taken' "$tmp/ab.out" |
			tr -s ' ' | tr '\n' ';')" | tap_diag
	[ "$abst" = 0 ] && grep -q '^Complete requests: *10000$' "$tmp/ab.out" &&
		grep -q '^Failed requests: *0$' "$tmp/ab.out" && ! grep -q '^Non-2xx' "$tmp/ab.out" || {
		fail "ab (status $abst): $(grep -A1 '^Failed\|^Non-2xx\|^Complete requests\|apr_' "$tmp/ab.out" | tr -s ' ' | tr '\n' '|')"
		echo "# nginx's error log:"
		tail -n 20 "$tmp/ngr/error.log" 2>/dev/null | cut -c1-200 | tap_diag
		return
	}
	[ -s "$tmp/ngr/before" ] && [ -s "$tmp/ngr/after" ] || { fail "no worker lists $(cat "$tmp/ngr/errors" 2>/dev/null)"; return; }
	for p in $(cat "$tmp/ngr/before"); do
		case " $(cat "$tmp/ngr/after") " in *" $p "*) fail "worker $p survived the reload"; return ;; esac
	done
	[ ! -e "$tmp/ngr/errors" ] || { fail "$(cat "$tmp/ngr/errors")"; return; }
	# the reload takes seconds and ab's 10,000 requests over a minute (both under the same TCG): no race
	[ "$during" = yes ] || { fail "the reload did not end while ab ran"; return; }
	[ "$code" = 200 ] && cmp -s "$tmp/welcome" /var/www/html/index.nginx-debian.html ||
		{ fail "after the reload: status $code"; return; }
	[ "$(cat "$tmp/ngr/ended" 2>/dev/null)" = "nginx ended: 0" ] ||
		{ fail "nginx -s quit: $(cat "$tmp/ngr/ended" 2>/dev/null)"; return; }
	[ "$st" = 0 ] || { fail "skiff exited $st"; return; }
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

# PostgreSQL as Debian ships it (issue 11), on the live root as the user postgres (--user), in one VM as a user
# would run it: initdb onto a -v volume, then the server with its default settings (dynamic_shared_memory_type =
# posix: /dev/shm) in its place (exec), psql and pgbench from the host through --port; the same psql script
# against a native server gives the same output; then SIGTERM to tools/skiff, as `docker stop`, reaches the
# server (a smart shutdown, with its checkpoint: --stop-timeout leaves it time), skiff exits 0 and the log ends
# with a clean shutdown. (Two VMs until the 9P session hang was found: a task with a signal pending halted
# while another held the session, and pgbench stalled.)
pg_wait_log() { # pg_wait_log FILE TEXT SECONDS
	w=0
	while [ "$w" -lt "$(($3 * 5))" ] && ! grep -q "$2" "$1" 2>/dev/null; do
		sleep 0.2
		w=$((w + 1))
	done
	grep -q "$2" "$1" 2>/dev/null
}
pg_script() {
	echo "create table t(id int primary key, g int, v text);"
	echo "insert into t select i, i % 100, md5(i::text) from generate_series(1, 100000) i;"
	echo "create table g(g int primary key, name text);"
	echo "insert into g select i, 'group ' || i from generate_series(0, 99) i;"
	echo "select count(*), sum(id), count(distinct v) from t;"
	echo "select g.name, count(*), min(t.id), max(t.id), sum(length(t.v)) from t join g using (g) group by g.name order by g.name;"
	echo "select g, string_agg(id::text, ',' order by id) from t where id <= 30 group by g order by g;"
}
pg_run_script() { # the guest's /bin/sh script: initdb, then the server; host clients connect from 10.0.2.2
	echo "$1/initdb -D /pgdata/db -A trust >/pgdata/initdb.log 2>&1 || { echo 'initdb failed' >&2; exit 1; }"
	echo "echo 'host all all 0.0.0.0/0 trust' >>/pgdata/db/pg_hba.conf"
	echo "exec $1/postgres -D /pgdata/db -c listen_addresses=* -k /tmp"
}
t_postgres() {
	name="PostgreSQL: initdb and then the server as postgres in one VM on the live root; psql (100,000 rows, join, aggregate) as natively; pgbench -c 4 -t 500; SIGTERM to skiff shuts it down cleanly (exit 0)"
	pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1)
	need "$pgbin/initdb" "$pgbin/postgres" /usr/bin/psql /usr/bin/pgbench || return
	id postgres >/dev/null 2>&1 || { skip "no user postgres on this host"; return; }
	[ "$(id -u)" = 0 ] || { skip "the native reference server needs root (runuser)"; return; }
	# postgres must reach its directories under the suite's private $tmp (natively; 9P passes as root)
	chmod 711 "$tmp" && mkdir -p "$tmp/pg" "$tmp/pgnative" && chown postgres:postgres "$tmp/pg" "$tmp/pgnative" || { fail "chown"; return; }
	pg_run_script "$pgbin" >"$tmp/pg/run.sh"
	hport=$(free_port)
	TIMEOUT=600 guest --rootfs / --user postgres --mem 512M --stop-timeout 120 -v "$tmp/pg:/pgdata" --port "$hport:5432" \
		/bin/sh /pgdata/run.sh
	# the native reference, meanwhile
	nport=$(free_port)
	runuser -u postgres -- "$pgbin/initdb" -D "$tmp/pgnative/db" -A trust >"$tmp/pgnative/initdb.log" 2>&1 &&
		runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/pgnative/db" -l "$tmp/pgnative/server.log" -w \
			-o "-p $nport -k $tmp/pgnative -c listen_addresses=127.0.0.1" start >/dev/null 2>&1 ||
		{ fail "the native PostgreSQL did not start"; stop_guest; return; }
	pg_script | timeout 120 psql -h 127.0.0.1 -p "$nport" -U postgres -q -X -f - >"$tmp/pg.native" 2>&1
	runuser -u postgres -- "$pgbin/pg_ctl" -D "$tmp/pgnative/db" -m fast stop >/dev/null 2>&1
	if ! pg_wait_log "$tmp/err" "ready to accept connections" 400; then
		stop_guest
		fail "the server in the guest did not start: $(tail -c 300 "$tmp/err" 2>&1) $(tail -c 300 "$tmp/pg/initdb.log" 2>&1)"
		return
	fi
	pg_script | timeout 300 psql -h 127.0.0.1 -p "$hport" -U postgres -q -X -f - >"$tmp/pg.skiff" 2>&1
	if ! cmp -s "$tmp/pg.native" "$tmp/pg.skiff"; then
		stop_guest
		fail "psql's output differs from native: $(diff "$tmp/pg.native" "$tmp/pg.skiff" | head -c 400)"
		return
	fi
	timeout 300 pgbench -h 127.0.0.1 -p "$hport" -U postgres -i -s 1 -q postgres >"$tmp/pgbench.init" 2>&1 &&
		timeout 300 pgbench -h 127.0.0.1 -p "$hport" -U postgres -c 4 -t 500 postgres >"$tmp/pgbench.out" 2>&1
	pb=$?
	kill -TERM "$vm" # docker stop: skiff passes it on to the server
	wait "$vm" 2>/dev/null
	st=$?
	[ "$pb" = 0 ] && grep -q "processed: 2000/2000" "$tmp/pgbench.out" && grep -q "failed transactions: 0 " "$tmp/pgbench.out" ||
		{ fail "pgbench: $(tail -c 400 "$tmp/pgbench.init" "$tmp/pgbench.out")"; return; }
	[ "$st" = 0 ] || { fail "skiff exited $st after SIGTERM"; return; }
	tail -n 1 "$tmp/err" | grep -q "database system is shut down" || { fail "no clean shutdown"; return; }
	pass
}

t_sshd() {
	name="Debian's sshd in the guest, ssh on the host: a command, a pty (tty, job control), scp both ways, sftp, SIGTERM"
	need /usr/sbin/sshd /usr/bin/ssh /usr/bin/ssh-keygen /usr/bin/scp /usr/bin/sftp || return
	d=$tmp/sshd
	mkdir -p "$d"
	ssh-keygen -q -t ed25519 -N "" -f "$d/hostkey" && ssh-keygen -q -t ed25519 -N "" -f "$d/userkey" &&
		cp "$d/userkey.pub" "$d/authorized_keys" || { fail "ssh-keygen failed"; return; }
	# the packaged sshd with what a test needs set: its keys on the volume; the rest as Debian's defaults
	cat >"$d/sshd_config" <<EOF
HostKey /vol/hostkey
AuthorizedKeysFile /vol/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
UsePAM no
StrictModes no
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
	hport=$(free_port)
	# /run/sshd is the privilege-separation directory Debian's service makes before it starts sshd
	guest --rootfs / --port "$hport:22" -v "$d:/vol" /bin/sh -c 'mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e -f /vol/sshd_config'
	o="-i $d/userkey -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -o ConnectTimeout=20"
	# shellcheck disable=SC2086 # $o splits into options on purpose
	s() { timeout 60 ssh -p "$hport" $o root@127.0.0.1 "$@"; }
	i=0
	while [ "$(s echo up 2>/dev/null)" != up ] && [ $i -lt 60 ]; do
		sleep 1
		i=$((i + 1))
	done
	s 'id -u; echo $((6 * 7))' >"$tmp/got" 2>&1
	# -tt: a pseudo-terminal from the guest's /dev/ptmx, the shell's controlling terminal
	s -tt 'tty; ps -o tty= -p $$; sleep 0.1 & jobs' 2>&1 | tr -d '\r' | sed 's/ *$//' >>"$tmp/got"
	head -c 1000000 /dev/urandom >"$d/up"
	# shellcheck disable=SC2086
	timeout 60 scp -P "$hport" $o "$d/up" root@127.0.0.1:/tmp/up >>"$tmp/got" 2>&1 &&
		timeout 60 scp -P "$hport" $o root@127.0.0.1:/tmp/up "$d/down" >>"$tmp/got" 2>&1
	cmp -s "$d/up" "$d/down" && echo "scp round trip intact" >>"$tmp/got"
	# shellcheck disable=SC2086
	echo 'ls /vol/authorized_keys' | timeout 60 sftp -P "$hport" $o root@127.0.0.1 2>&1 | grep -v -e '^sftp>' -e '^Connected to' |
		sed 's/ *$//' >>"$tmp/got"
	kill -TERM "$vm" # docker stop: skiff passes it on to sshd
	wait "$vm" 2>/dev/null
	st=$?
	printf '%s\n' 0 42 /dev/pts/0 pts/0 "[1]+  Running                 sleep 0.1 &" "scp round trip intact" \
		/vol/authorized_keys >"$tmp/expected"
	if ! cmp -s "$tmp/expected" "$tmp/got"; then
		fail "got: $(tr '\n' '|' <"$tmp/got") (guest: $(tail -n 4 "$tmp/err" | tr '\n' '|'))"
		return
	fi
	[ "$st" = 143 ] || [ "$st" = 0 ] || { fail "skiff exited $st after SIGTERM"; return; }
	pass
}

# shellcheck disable=SC2086 # the list splits into words on purpose
set -- ${SERVERS:-t_redis t_nginx t_nginx_debian t_nginx_reload t_curl t_postgres t_sshd}
tap_plan $#
make_payload || { echo "Bail out! cannot make the payload"; exit 1; }
for t in "$@"; do
	"$t"
done
tap_done
