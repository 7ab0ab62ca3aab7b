# test/cli/stop.sh: signals to tools/skiff go to the program, as `docker stop` and `docker kill` send them to a
# container's first process (sourced by test/cli/run.sh). build/progs/stopme is the program: "ready" once its
# handlers are set, then it waits.

STOP_BIN=${SKIFF_TEST_BIN:-$top/build/progs}

# stop_start ARGS...: `skiff run --timeout $TIMEOUT ARGS` in the background, as sk runs it (after the words of
# $stop_wrap, if any); $skpid is its pid. Returns once the program printed "ready" (non-zero if skiff ended first).
stop_start() {
	rm -f "$tmp/out" "$tmp/err"
	if [ -n "${SKIFF_KERNEL:-}" ]; then
		set -- --kernel "$SKIFF_KERNEL" "$@"
	fi
	# shellcheck disable=SC2086 # stop_wrap is a list of words
	${stop_wrap:-} "$SKIFF" run --timeout "$TIMEOUT" "$@" </dev/null >"$tmp/out" 2>"$tmp/err" &
	skpid=$!
	pids="$pids $skpid"
	stop_wait_for ready "$tmp/out"
}

# stop_wait_for TEXT FILE: until FILE has TEXT, or skiff ended.
stop_wait_for() {
	while ! grep -q "$1" "$2" 2>/dev/null; do
		kill -0 "$skpid" 2>/dev/null || return 1
		sleep 0.2
	done
}

# stop_end: skiff's exit status in $st.
stop_end() {
	wait "$skpid"
	st=$?
}

c_stop_handler() {
	name="kill -USR1 then -TERM of skiff: the program (pid 1) gets each as from outside (SI_USER, pid 0); its SIGTERM handler writes to a -v volume and exits 3, skiff's status"
	need "$STOP_BIN/stopme" || return
	rm -rf "$tmp/stop" && mkdir -p "$tmp/stop" || return
	stop_start -v "$tmp/stop:/data" "$STOP_BIN/stopme" handle /data || { stop_end; fail "no ready (status $st)"; return; }
	kill -USR1 "$skpid"
	stop_wait_for "got 10 " "$tmp/stop/log" || { stop_end; fail "skiff ended after SIGUSR1 with $st"; return; }
	kill -TERM "$skpid"
	stop_end
	expect_status 3 || return
	[ "$(cat "$tmp/stop/log")" = "$(printf 'got 10 code 0 pid 0\ngot 15 code 0 pid 0')" ] ||
		{ fail "the log on the host: $(cat "$tmp/stop/log")"; return; }
	pass
}

c_stop_kill() {
	name="--stop-timeout 1: a program that ignores SIGTERM is killed with SIGKILL in the guest (137), its shared mapping of a volume file written back"
	need "$STOP_BIN/stopme" || return
	dry --stop-timeout 1x /bin/true
	[ "$st" -eq 125 ] || { fail "--stop-timeout 1x: status $st"; return; }
	expect_err_has "--stop-timeout: expected seconds" || return
	rm -rf "$tmp/stop" && mkdir -p "$tmp/stop" || return
	stop_start --stop-timeout 1 -v "$tmp/stop:/data" "$STOP_BIN/stopme" ignore /data ||
		{ stop_end; fail "no ready (status $st)"; return; }
	kill -TERM "$skpid"
	stop_end
	expect_status 137 && expect_err_has "did not end within 1 s of SIGTERM: killed with SIGKILL" &&
		expect_err_has "killed by SIGKILL" || return
	[ "$(head -n 1 "$tmp/stop/mapped")" = "written through the mapping" ] ||
		{ fail "the mapped file on the host: $(head -c 40 "$tmp/stop/mapped" | od -c | head -n 2)"; return; }
	pass
}

c_stop_qemu_killed() {
	name="a VM that does not stop even after SIGKILL in the guest (QEMU stopped): QEMU is killed 10 s later, 137, saying so"
	need "$STOP_BIN/stopme" || return
	rm -rf "$tmp/stop" && mkdir -p "$tmp/stop" || return
	stop_start --stop-timeout 1 -v "$tmp/stop:/data" "$STOP_BIN/stopme" ignore /data || { stop_end; fail "no ready (status $st)"; return; }
	qpid=$(pgrep -P "$skpid" | head -n 1)
	[ -n "$qpid" ] || { stop_end; fail "no QEMU under skiff"; return; }
	kill -STOP "$qpid" # the guest takes no signal now; SIGTERM stays pending for a stopped QEMU, SIGKILL does not
	kill -TERM "$skpid"
	stop_end
	expect_status 137 && expect_err_has "did not end within 1 s of SIGTERM: killed with SIGKILL" &&
		expect_err_has "the VM did not stop after SIGKILL: QEMU killed" || return
	pass
}

c_stop_sigint() {
	name="SIGINT to skiff's process group (^C with stdin not a terminal): the program gets SIGINT, not QEMU (130)"
	need "$STOP_BIN/stopme" || return
	command -v setsid >/dev/null || { skip "no setsid"; return; }
	rm -rf "$tmp/stop" && mkdir -p "$tmp/stop" || return
	# In a group of its own, as a terminal's foreground job; with SIGINT at its default (a script's background
	# job ignores it, and a shell cannot trap what it started with ignored). Not a group leader: setsid execs.
	stop_wrap="setsid env --default-signal=INT"
	stop_start "$STOP_BIN/stopme" default /data || { stop_wrap=; stop_end; fail "no ready (status $st)"; return; }
	stop_wrap=
	kill -INT "-$skpid"
	stop_end
	expect_status 130 && expect_err_has "killed by SIGINT" || return
	pass
}
