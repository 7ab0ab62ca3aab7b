#!/bin/sh
# test/net/run.sh: end-to-end tests of skiff's network stack, booting guests with `tools/skiff run --net`
# (QEMU user-mode networking: the guest is 10.0.2.15, the host 10.0.2.2) against servers on the host:
# DHCP, TCP both ways (guest -> host with busybox wget, host -> guest through --port), UDP, loopback inside
# the guest, and garbage the kernel must survive.
#
# Prints TAP and ends with one line "N passed, N failed, N skipped"; exits non-zero if any test failed.
# Every guest runs under --timeout and every host server under timeout(1): nothing can hang.
#
# Environment: SKIFF, SKIFF_KERNEL, SKIFF_TEST_BIN, BUSYBOX as for test/guest/run.sh.

set -u

top=$(cd "$(dirname "$0")/../.." && pwd -P)
. "$top/test/lib/tap.sh"
. "$top/test/lib/guest.sh"

SKIFF=${SKIFF:-$top/tools/skiff}
BIN=${SKIFF_TEST_BIN:-$top/build/progs}
BUSYBOX=${BUSYBOX:-/bin/busybox}
TIMEOUT=90
SERVER_TIMEOUT=180

test_tmp net

# ---------------------------------------------------------------- helpers

# need_bin NAME: the test program exists, else the test fails (a broken build is no reason to skip).
need_bin() {
	if [ ! -x "$BIN/$1" ]; then
		: >"$tmp/out"
		: >"$tmp/err"
		fail "$BIN/$1 is missing (build the test programs first)"
		return 1
	fi
}

# wait_port PORT: until something listens on 127.0.0.1:PORT (10 s at most).
wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

# wait_ready LOG...: until each host server's LOG says "ready" (it is bound), 10 s at most in all: a guest booted
# by a CLI that packs in milliseconds may otherwise send before a loaded host has started python3
wait_ready() {
	w=0
	for f in "$@"; do
		while [ "$w" -lt 100 ] && ! grep -q '^ready$' "$f" 2>/dev/null; do
			sleep 0.1
			w=$((w + 1))
		done
	done
}

# A file of a few hundred KiB of varied bytes: enough to fill TCP's window many times over.
make_payload() {
	mkdir -p "$tmp/www" &&
		python3 -c 'import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(400 * 1024)))' \
			>"$tmp/www/payload.bin" &&
		md5=$(md5sum <"$tmp/www/payload.bin" | cut -d' ' -f1)
}

# ---------------------------------------------------------------- tests

t_no_net() {
	name="without --net: no card, /proc/net/skiff says so, the network is unreachable at once"
	need_bin netprobe || return
	sk --add "$BIN/netprobe" "$BUSYBOX" sh -c "cat /proc/net/skiff; $BIN/netprobe addr; echo status \$?"
	expect_status 0 && expect_out_has "present 0" && expect_out_has "status 1" || return
	if grep -q "Network is unreachable" "$tmp/err"; then
		pass
	else
		fail "expected ENETUNREACH from netprobe addr"
	fi
}

t_dhcp() {
	name="DHCP: the guest is 10.0.2.15 (getsockname after a UDP connect), DNS in /etc/resolv.conf"
	need_bin netprobe || return
	sk --net --add "$BIN/netprobe" "$BUSYBOX" sh -c "$BIN/netprobe addr && cat /etc/resolv.conf /proc/net/skiff"
	expect_status 0 && expect_out_has "addr 10.0.2.15" && expect_out_has "nameserver 10.0.2.3" &&
		expect_out_has "gateway 10.0.2.2" && pass
}

t_guest_to_host_tcp() {
	name="guest -> host TCP: busybox wget of 400 KiB from a host HTTP server, bytes intact"
	port=$(free_port)
	(cd "$tmp/www" && exec timeout "$SERVER_TIMEOUT" python3 -m http.server --bind 127.0.0.1 "$port") \
		>"$tmp/http.log" 2>&1 &
	pids="$pids $!"
	if ! wait_port "$port"; then
		fail "the host's HTTP server did not start"
		return
	fi
	sk --allow-host "$BUSYBOX" sh -c \
		"busybox wget -q -O /tmp/p http://10.0.2.2:$port/payload.bin && busybox md5sum /tmp/p && busybox wc -c /tmp/p"
	expect_status 0 && expect_out_has "$md5" && expect_out_has "409600 /tmp/p" && pass
}

t_host_to_guest_tcp() {
	name="host -> guest TCP through --port: busybox httpd in the guest serves 400 KiB, bytes intact"
	hport=$(free_port)
	"$SKIFF" run --timeout "$TIMEOUT" --port "$hport:8080" --add "$tmp/www:/www" \
		"$BUSYBOX" httpd -f -p 8080 -h /www </dev/null >"$tmp/out" 2>"$tmp/err" &
	vm=$!
	pids="$pids $vm"
	python3 - "$hport" "$tmp/got" <<'PY'
import socket, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
end = time.time() + 60
while time.time() < end:
    try:
        s = socket.create_connection(("127.0.0.1", port), 5)
        s.settimeout(20)
        s.sendall(b"GET /payload.bin HTTP/1.0\r\nHost: x\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
        if b"\r\n\r\n" in data:
            open(out, "wb").write(data.split(b"\r\n\r\n", 1)[1])
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.3)  # slirp accepts before the guest listens: try again
sys.exit(1)
PY
	got=$?
	kill "$vm" 2>/dev/null
	wait "$vm" 2>/dev/null
	if [ "$got" -ne 0 ]; then
		fail "no HTTP answer on 127.0.0.1:$hport"
		return
	fi
	if [ "$(md5sum <"$tmp/got" | cut -d' ' -f1)" = "$md5" ]; then
		pass
	else
		fail "the bytes differ ($(wc -c <"$tmp/got") bytes received)"
	fi
}

t_guest_to_host_udp() {
	name="guest -> host UDP: a datagram to a host echo server and its reply"
	need_bin netprobe || return
	uport=$(free_port)
	timeout "$SERVER_TIMEOUT" python3 - "$uport" <<'PY' >"$tmp/udp.log" 2>&1 &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(b"echo:" + data, peer)
PY
	pids="$pids $!"
	# the server must be bound before the guest sends: a datagram to a closed port is lost (a CLI that packs in
	# milliseconds boots the guest before a loaded host has started python3)
	wait_ready "$tmp/udp.log"
	sk --allow-host "$BIN/netprobe" udp 10.0.2.2 "$uport" hello-from-skiff
	expect_status 0 && expect_out_has "reply from 10.0.2.2:$uport: echo:hello-from-skiff" && pass
}

# The sandbox (docs/net.md): with --net alone, the host's own services (10.0.2.2 is the host's 127.0.0.1; the
# DNS forwarder's other ports) and link-local addresses (169.254.169.254, clouds' metadata) are refused with
# EACCES at once, DNS's port 53 is not; --allow-host opens them.
t_sandbox() {
	name="--net is a sandbox: 10.0.2.2, 10.0.2.3 (but port 53) and 169.254.169.254 refused; --allow-host opens 10.0.2.2"
	need_bin netprobe || return
	sport=$(free_port)
	timeout "$SERVER_TIMEOUT" python3 - "$sport" <<'PY' >"$tmp/sandbox.log" 2>&1 &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
while True:
    c, peer = s.accept()
    print("accepted", peer, flush=True)
    c.close()
PY
	pids="$pids $!"
	if ! wait_port "$sport"; then
		fail "the host's listener did not start"
		return
	fi
	sleep 1
	before=$(grep -c accepted "$tmp/sandbox.log") # wait_port's own probe
	p="$BIN/netprobe reach"
	sk --net --add "$BIN/netprobe" "$BUSYBOX" sh -c "$p tcp 10.0.2.2 $sport; $p udp 10.0.2.2 $sport;
		$p tcp 10.0.2.3 $sport; $p tcp 169.254.169.254 80; $p udp 169.254.169.254 80; $p udp 10.0.2.3 53"
	expect_status 0 && expect_out_has "reach 10.0.2.2:$sport: Permission denied" &&
		expect_out_has "reach 10.0.2.3:$sport: Permission denied" &&
		expect_out_has "reach 169.254.169.254:80: Permission denied" &&
		expect_out_has "reach 10.0.2.3:53: sent" || return
	[ "$(grep -c 'Permission denied' "$tmp/out")" = 5 ] || { fail "expected 5 refusals"; return; }
	[ "$(grep -c accepted "$tmp/sandbox.log")" = "$before" ] || { fail "the host's loopback listener accepted a connection"; return; }
	sk --allow-host "$BIN/netprobe" reach tcp 10.0.2.2 "$sport"
	expect_status 0 && expect_out_has "reach 10.0.2.2:$sport: connected" && pass
}

# TCP urgent data on the wire, both ways, with the host's Linux (through QEMU's user network, which carries it
# between the guest's connection and its own socket on the host): the guest's "abc" with MSG_OOB reaches the host
# as "ab" and the urgent c (the pointer one past the byte, as Linux reads it), the host's "xyz" the guest so.
urg_server() { # FAMILY PORT: one connection; prints what came, answers "xyz" with z urgent
	timeout "$SERVER_TIMEOUT" python3 - "$1" "$2" <<'PY'
import fcntl, select, socket, struct, sys
fam = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
l = socket.socket(fam, socket.SOCK_STREAM)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("::1" if fam == socket.AF_INET6 else "127.0.0.1", int(sys.argv[2])))
l.listen(1)
print("ready", flush=True)
c, _ = l.accept()
p = select.poll()
p.register(c, select.POLLPRI)
p.poll(10000)
atmark = lambda: struct.unpack("i", fcntl.ioctl(c.fileno(), 0x8905, b"\0" * 4))[0]
got = b""
while not atmark() and len(got) < 8:
    got += c.recv(8 - len(got))
print("host read", got.decode(), "oob", c.recv(1, socket.MSG_OOB).decode(), flush=True)
c.send(b"xyz", socket.MSG_OOB)
c.recv(16)
PY
}

t_urgent() {
	name="TCP urgent data with the host's Linux, both ways, IPv4 and IPv6 (10.0.2.2, fec0::2)"
	need_bin netprobe || return
	for fam in 4 6; do
		if [ "$fam" = 6 ] && ! python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
			continue # no ::1 on this host: IPv4 alone
		fi
		port=$(free_port)
		urg_server "$fam" "$port" >"$tmp/urg$fam.log" 2>&1 &
		pids="$pids $!"
		wait_ready "$tmp/urg$fam.log"
		host=10.0.2.2
		[ "$fam" = 6 ] && host=fec0::2
		sk --allow-host "$BIN/netprobe" urg "$host" "$port"
		expect_status 0 && expect_out_has "urg read: xy" && expect_out_has "urg oob: z" || return
		w=0
		while [ "$w" -lt 50 ] && ! grep -q '^host read' "$tmp/urg$fam.log"; do
			sleep 0.1
			w=$((w + 1))
		done
		grep -q '^host read ab oob c$' "$tmp/urg$fam.log" || { fail "IPv$fam host side: $(cat "$tmp/urg$fam.log")"; return; }
	done
	pass
}

t_loop_udp() {
	name="loopback UDP inside the guest (bind, sendto, poll, recvfrom, errors)"
	need_bin netprobe || return
	sk "$BIN/netprobe" loop-udp
	expect_status 0 && pass
}

t_loop_tcp() {
	name="loopback TCP inside the guest: non-blocking connect, accept, 300 KB, ECONNREFUSED"
	need_bin netprobe || return
	sk "$BIN/netprobe" loop-tcp 300000
	expect_status 0 && pass
}

t_timewait_mem() {
	name="200 connections in TIME-WAIT hold no buffers (MemFree drop under 16 KiB each; issue 15)"
	need_bin twmem || return
	sk "$BIN/twmem" 200
	expect_status 0 && pass
}

t_garbage() {
	name="odd datagrams (empty, oversized, a flood, a closed port) leave the stack working"
	need_bin netprobe || return
	sk --net --add "$BIN/netprobe" "$BUSYBOX" sh -c "$BIN/netprobe garbage && cat /proc/net/skiff"
	# the flood overflowed the queue, the closed port answered with ICMP (and we counted its arrival)
	expect_status 0 || return
	if grep -qE '^udp_queue_full [1-9]' "$tmp/out" && grep -qE '^icmp_unreach_tx [1-9]' "$tmp/out" &&
		grep -qE '^icmp_unreach_rx [1-9]' "$tmp/out"; then
		pass
	else
		fail "/proc/net/skiff: expected drops for the flood and ICMP port unreachable sent and received"
	fi
}

t_python() {
	name="python3 in the guest: urllib.request from the host, a threaded echo over localhost"
	py_lib=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))' 2>/dev/null)
	if [ ! -d "$py_lib" ]; then
		skip "no python standard library found"
		return
	fi
	port=$(free_port)
	(cd "$tmp/www" && exec timeout "$SERVER_TIMEOUT" python3 -m http.server --bind 127.0.0.1 "$port") \
		>"$tmp/http2.log" 2>&1 &
	pids="$pids $!"
	if ! wait_port "$port"; then
		fail "the host's HTTP server did not start"
		return
	fi
	sk --allow-host --mem 512M --add "$py_lib" /usr/bin/python3 -c "
import hashlib, socket, threading, urllib.request
d = urllib.request.urlopen('http://10.0.2.2:$port/payload.bin', timeout=30).read()
print('md5', hashlib.md5(d).hexdigest())
s = socket.socket()
s.bind(('127.0.0.1', 0))
s.listen()
def serve():
    c, _ = s.accept()
    c.sendall(c.recv(100).upper())
    c.close()
t = threading.Thread(target=serve)
t.start()
c = socket.create_connection(('localhost', s.getsockname()[1]), timeout=30)
c.sendall(b'echo me')
print('got', c.recv(100).decode())
t.join()
"
	expect_status 0 && expect_out_has "md5 $md5" && expect_out_has "got ECHO ME" && pass
}

t_ipv6() {
	name="IPv6 in the guest (python3): a dual-stack server on [::] over 127.0.0.1 and ::1, /proc/net/if_inet6,"
	name="$name ENETUNREACH beyond ::1 without a card"
	py_lib=$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_path("stdlib"))' 2>/dev/null)
	if [ ! -d "$py_lib" ]; then
		skip "no python standard library found"
		return
	fi
	sk --mem 512M --add "$py_lib" /usr/bin/python3 -c "
import errno, socket
for kind, what in ((socket.SOCK_STREAM, 'connect'), (socket.SOCK_DGRAM, 'sendto')):
    s = socket.socket(socket.AF_INET6, kind)
    try:
        s.connect(('2001:db8::1', 80)) if what == 'connect' else s.sendto(b'x', ('2001:db8::1', 53))
        print(what, 'succeeded')
    except OSError as e:
        print(what, errno.errorcode[e.errno])
print(open('/proc/net/if_inet6').read().strip())
srv = socket.create_server(('::', 0), family=socket.AF_INET6, dualstack_ipv6=True)
port = srv.getsockname()[1]
for host in ('127.0.0.1', '::1'):
    c = socket.create_connection((host, port), timeout=30)
    a, peer = srv.accept()
    c.sendall(b'hi')
    print('peer', peer[0], a.recv(10).decode())
"
	expect_status 0 && expect_out_has "connect ENETUNREACH" && expect_out_has "sendto ENETUNREACH" &&
		expect_out_has "00000000000000000000000000000001 01 80 10 80       lo" &&
		expect_out_has "peer ::ffff:127.0.0.1 hi" && expect_out_has "peer ::1 hi" && pass
}

t_ping() {
	name="Debian's ping (iputils-ping, on the live root): 127.0.0.1 and ::1 answer, an address nobody has on"
	name="$name the user network does not (exit 1), QEMU's gateway 10.0.2.2 answers (--allow-host)"
	if [ ! -x /usr/bin/ping ]; then
		skip "no /usr/bin/ping on this host (iputils-ping)"
		return
	fi
	sk --net --allow-host --rootfs / /bin/sh -c '/usr/bin/ping -c 3 127.0.0.1; echo "status4 $?"
		/usr/bin/ping -6 -c 3 ::1; echo "status6 $?"
		/usr/bin/ping -c 1 -W 1 10.0.2.99; echo "status_none $?"
		/usr/bin/ping -c 2 10.0.2.2; echo "status_gw $?"'
	expect_status 0 && expect_out_has "64 bytes from 127.0.0.1: icmp_seq=3 ttl=64 time=" &&
		expect_out_has "--- 127.0.0.1 ping statistics ---" && expect_out_has "status4 0" &&
		expect_out_has "64 bytes from ::1: icmp_seq=3 ttl=64 time=" && expect_out_has "status6 0" &&
		expect_out_has "1 packets transmitted, 0 received, 100% packet loss" && expect_out_has "status_none 1" &&
		expect_out_has "64 bytes from 10.0.2.2: icmp_seq=2 ttl=255 time=" && expect_out_has "status_gw 0" || return
	[ "$(grep -c '3 packets transmitted, 3 received, 0% packet loss' "$tmp/out")" = 2 ] ||
		{ fail "expected two runs of 3 answered pings"; return; }
	pass
}

# IPv6 on the card (docs/net.md): SLAAC from QEMU's router advertisement (fec0::/64), Debian's ping -6 and
# curl -6 to QEMU's host fec0::2 (the host's ::1) under --allow-host, a UDP exchange with a host server on
# ::1 and ECONNREFUSED from a closed one, /proc/net/if_inet6; with --net alone the sandbox refuses fec0::2 as it
# refuses 10.0.2.2, not DNS.
t_ipv6_wire() {
	name="IPv6 on the wire: SLAAC address in /proc/net/if_inet6, ping -6 fec0::2, curl -6 http://[fec0::2]:PORT/"
	name="$name (and 400 KiB intact both ways),"
	name="$name UDP with the host's ::1 (and ECONNREFUSED from a closed port's ICMPv6 error); the sandbox refuses"
	name="$name fec0::2 without --allow-host; Linux's errors for scoped, multicast and foreign addresses"
	need_bin netprobe || return
	if [ ! -x /usr/bin/ping ] || [ ! -x /usr/bin/curl ]; then
		skip "no /usr/bin/ping or /usr/bin/curl on this host"
		return
	fi
	if ! python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
		skip "the host has no ::1"
		return
	fi
	port6=$(free_port)
	uport6=$(free_port)
	cport6=$(free_port) # nobody listens there: QEMU relays the host's port unreachable as ICMPv6
	(cd "$tmp/www" && exec timeout "$SERVER_TIMEOUT" python3 -m http.server --bind ::1 "$port6") \
		>"$tmp/http6.log" 2>&1 &
	pids="$pids $!"
	timeout "$SERVER_TIMEOUT" python3 - "$uport6" <<'PY' >"$tmp/udp6.log" 2>&1 &
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::1", int(sys.argv[1])))
print("ready", flush=True)
while True:
    data, peer = s.recvfrom(2048)
    s.sendto(b"echo6:" + data, peer)
PY
	pids="$pids $!"
	sport6=$(free_port)
	timeout "$SERVER_TIMEOUT" python3 - "$sport6" <<'PY' >"$tmp/sink6.log" 2>&1 &
import hashlib, socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::1", int(sys.argv[1])))
s.listen(1)
print("ready", flush=True)
while True:
    c, peer = s.accept()
    h, n = hashlib.md5(), 0
    while True:
        d = c.recv(65536)
        if not d:
            break
        h.update(d)
        n += len(d)
    c.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
    c.close()
PY
	pids="$pids $!"
	# both servers listening before the guest starts (the upload once met a sink not yet bound: refused)
	wait_ready "$tmp/udp6.log" "$tmp/sink6.log"
	echo v6-page >"$tmp/www/v6.txt"
	up="import socket; c = socket.create_connection(('fec0::2', $sport6), timeout=30)
c.sendall(open('/www/payload.bin', 'rb').read()); c.shutdown(socket.SHUT_WR); print('upload', c.recv(99).decode())"
	# the test programs through a volume: a checkout under /tmp is hidden by the live root's fresh /tmp
	sk --allow-host --rootfs / -v "$tmp/www:/www:ro" -v "$BIN:/skiff-progs:ro" /bin/sh -c "/usr/bin/ping -6 -c 2 fec0::2; echo \"ping6 \$?\"
		/usr/bin/python3 -c \"$up\"
		/usr/bin/curl -sS -6 --max-time 20 'http://[fec0::2]:$port6/v6.txt'; echo \"curl6 \$?\"
		/usr/bin/curl -sS -6 --max-time 30 'http://[fec0::2]:$port6/payload.bin' | /usr/bin/md5sum
		/skiff-progs/netprobe udp fec0::2 $uport6 hello6
		/skiff-progs/netprobe refused fec0::2 $cport6
		/skiff-progs/netprobe v6errors
		cat /proc/net/if_inet6"
	expect_status 0 && expect_out_has "64 bytes from fec0::2: icmp_seq=2 ttl=255 time=" &&
		expect_out_has "2 packets transmitted, 2 received, 0% packet loss" && expect_out_has "ping6 0" &&
		expect_out_has "v6-page" && expect_out_has "curl6 0" && expect_out_has "$md5  -" &&
		expect_out_has "upload 409600 $md5" &&
		expect_out_has "reply from fec0::2:$uport6: echo6:hello6" &&
		expect_out_has "refused fec0::2:$cport6: Connection refused" || return
	grep -Eq '^fec0000000000000[0-9a-f]{16} 02 40 00 00     eth0$' "$tmp/out" ||
		{ fail "no SLAAC address of fec0::/64 on eth0 in /proc/net/if_inet6"; return; }
	grep -Eq '^fe80000000000000[0-9a-f]{16} 02 40 20 80     eth0$' "$tmp/out" ||
		{ fail "no link-local address on eth0 in /proc/net/if_inet6"; return; }
	# Linux's errors for scoped, multicast and foreign addresses (Linux 6.1 with IPv6 on eth0, 2026-12-06; the
	# same program natively gives these lines on such a host)
	cat >"$tmp/v6errors.want" <<'EOF'
bind fe80::2%99 ENODEV
bind fe80::2 (no scope) EINVAL
bind fe80::2%lo EADDRNOTAVAIL
bind 2001:db8::5 EADDRNOTAVAIL
bind ff02::1 (no scope) EINVAL
tcp connect fe80::2%99 ENETUNREACH
udp connect fe80::2%99 ENETUNREACH
udp sendto fe80::2%99 ENETUNREACH
tcp connect ff02::1 ENETUNREACH
udp connect ff02::1 (no scope) EINVAL
tcp connect fe80::2 (no scope) EINVAL
udp connect fe80::2 (no scope) EINVAL
udp sendto fe80::2 (no scope) ok
udp sendto ff02::1 (no scope) ok
EOF
	grep -E '^(bind|tcp connect|udp connect|udp sendto) ' "$tmp/out" | diff "$tmp/v6errors.want" - >"$tmp/v6errors.diff" ||
		{ fail "IPv6 address errors differ from Linux's: $(tr '\n' ' ' <"$tmp/v6errors.diff")"; return; }
	p="/skiff-progs/netprobe reach"
	sk --net --rootfs / -v "$BIN:/skiff-progs:ro" /bin/sh -c "$p tcp fec0::2 $port6; $p udp fec0::2 $uport6; $p udp fec0::3 53"
	expect_status 0 && expect_out_has "reach fec0::2:$port6: Permission denied" &&
		expect_out_has "reach fec0::2:$uport6: Permission denied" && expect_out_has "reach fec0::3:53: sent" && pass
}

t_netlink() {
	name="netlink (NETLINK_ROUTE) in the guest: glibc's getifaddrs and if_nameindex, Debian's ip addr, ip link,"
	name="$name ip route, ip -6 route and ip link set lo up (live root), python3 socket.if_nameindex(), node's"
	name="$name os.networkInterfaces(); without --net lo alone"
	need_bin ifaddrs || return
	if [ ! -x /usr/sbin/ip ]; then
		skip "iproute2 (/usr/sbin/ip) is not installed"
		return
	fi
	sk --add "$BIN/ifaddrs" "$BIN/ifaddrs"
	expect_status 0 && expect_out_has "link lo flags 0x10049 stats" && expect_out_has "inet lo 127.0.0.1/255.0.0.0" &&
		expect_out_has "inet6 lo ::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" && expect_out_has "index 1 lo" || return
	if grep -q eth0 "$tmp/out"; then
		fail "eth0 listed without --net"
		return
	fi
	node='command -v node >/dev/null || { echo node absent; exit 0; }; node -e "for (const [n, l] of Object.entries(require(\"os\").networkInterfaces())) for (const a of l) console.log(\"node\", n, a.cidr, a.mac)"'
	sk --net --rootfs / -v "$BIN:/skiff-progs:ro" /bin/sh -c "/skiff-progs/ifaddrs; ip addr; ip link; ip route; ip -6 route;
ip link set lo up && echo set ok; python3 -c 'import socket; print(socket.if_nameindex())'; $node"
	expect_status 0 && expect_out_has "link eth0 flags 0x11043 stats" &&
		expect_out_has "inet eth0 10.0.2.15/255.255.255.0 brd 10.0.2.255" &&
		expect_out_has "inet6 eth0 fe80::5054:ff:fe12:3456/ffff:ffff:ffff:ffff::" && expect_out_has "index 2 eth0" &&
		expect_out_has "inet 127.0.0.1/8 scope host lo" && expect_out_has "inet6 ::1/128 scope host" &&
		expect_out_has "inet 10.0.2.15/24 brd 10.0.2.255 scope global eth0" &&
		expect_out_has "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500" &&
		expect_out_has "link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff" &&
		expect_out_has "default via 10.0.2.2 dev eth0" &&
		expect_out_has "10.0.2.0/24 dev eth0 proto kernel scope link src 10.0.2.15" &&
		expect_out_has "fe80::/64 dev eth0 proto kernel metric 256" && expect_out_has "set ok" &&
		expect_out_has "[(1, 'lo'), (2, 'eth0')]" || return
	if ! grep -q "node absent" "$tmp/out"; then
		expect_out_has "node lo 127.0.0.1/8 00:00:00:00:00:00" && expect_out_has "node eth0 10.0.2.15/24 52:54:00:12:34:56" || return
	fi
	pass
}

tap_plan 16
make_payload || { echo "Bail out! cannot make the payload"; exit 1; }
t_no_net
t_dhcp
t_guest_to_host_tcp
t_host_to_guest_tcp
t_guest_to_host_udp
t_sandbox
t_loop_udp
t_loop_tcp
t_urgent
t_timewait_mem
t_garbage
t_python
t_ipv6
t_ipv6_wire
t_ping
t_netlink
tap_done
