#!/bin/sh
# test/stdio/run.sh — the program's standard streams (issue 5), under QEMU/TCG: stdout and stderr kept apart,
# piped stdin with end-of-file, poll on stdin, 10 MB through cat intact, the kernel log only with --verbose,
# and, through a pseudo-terminal (tmux), a terminal: the host's size, an interactive prompt, ^C and ^D,
# and the host terminal left as it was. Prints TAP and ends with `N passed, N failed, N skipped`.
set -u
cd "$(dirname "$0")/../.."
. test/lib/tap.sh
SKIFF=tools/skiff
B=build/progs
T=$(mktemp -d)
trap 'tmux -L "skifftest.$$" kill-server 2>/dev/null; rm -rf "$T"' EXIT INT TERM
tap_plan 22

# check NAME CONDITION-STATUS REASON
check() {
    if [ "$2" -eq 0 ]; then tap_ok "$1"; else tap_not_ok "$1" "$3"; fi
}

# 1-2: stdout and stderr apart, each exactly as natively
"$B/streams" 100 </dev/null >"$T/n.out" 2>"$T/n.err"
nstatus=$?
$SKIFF run --timeout 60 "$B/streams" 100 </dev/null >"$T/s.out" 2>"$T/s.err"
sstatus=$?
cmp -s "$T/n.out" "$T/s.out" && [ "$sstatus" = "$nstatus" ]
check "stdout holds exactly what the native run writes there (status $sstatus)" $? "$(head -c 200 "$T/s.out")"
cmp -s "$T/n.err" "$T/s.err"
check "stderr holds exactly what the native run writes there" $? "$(head -c 200 "$T/s.err")"

# 3: piped input reaches poll and read, then EOF
printf 'hello\n' | $SKIFF run --timeout 60 "$B/streams" 5000 >"$T/p.out" 2>/dev/null
grep -q '^poll readable$' "$T/p.out" && grep -q '^read 6: hello$' "$T/p.out"
check "poll reports piped stdin readable and read returns it" $? "$(cat "$T/p.out")"

# 4: a pipe that stays empty: poll times out as natively
(sleep 4) | $SKIFF run --timeout 60 "$B/streams" 300 >"$T/t.out" 2>/dev/null
grep -q '^poll timeout$' "$T/t.out"
check "poll on an empty pipe times out" $? "$(cat "$T/t.out")"

# 5: bc reads an expression from a pipe and exits at its end
if command -v bc >/dev/null 2>&1; then
    out=$(printf '2+3\n' | $SKIFF run --timeout 120 /usr/bin/bc -q 2>&1)
    st=$?
    [ "$out" = 5 ] && [ "$st" = 0 ]
    check "printf '2+3\\n' | skiff run bc -q prints 5 and exits 0" $? "got '$out', status $st"
else
    tap_skip "bc from a pipe" "bc is not installed"
fi

# 6: sort < file equals the native sort
seq 1 300 | sort -R > "$T/unsorted"
sort < "$T/unsorted" > "$T/sorted.native"
$SKIFF run --timeout 120 /usr/bin/sort < "$T/unsorted" > "$T/sorted.skiff" 2>"$T/sort.err"
cmp -s "$T/sorted.native" "$T/sorted.skiff"
check "skiff run sort < file equals native sort < file" $? "$(head -c 200 "$T/sort.err")"

# 7: 10 MB through cat arrives intact
head -c 10000000 /dev/urandom > "$T/big"
want=$(sha256sum < "$T/big")
$SKIFF run --timeout 300 /bin/busybox cat < "$T/big" > "$T/big.out" 2>"$T/big.err"
st=$?
got=$(sha256sum < "$T/big.out")
[ "$want" = "$got" ]
check "10 MB piped through busybox cat arrives intact" $? \
    "checksum differs: exit status $st, $(wc -c < "$T/big.out") bytes out, $(tail -n 2 "$T/big.err" | tr '\n' ' ')"

# 8: the kernel log stays off stderr unless --verbose
$SKIFF run --timeout 60 /bin/busybox true 2>"$T/quiet.err"
$SKIFF run --timeout 60 --verbose /bin/busybox true 2>"$T/verbose.err"
! grep -q 'skiff: memory' "$T/quiet.err" && grep -q 'skiff: memory' "$T/verbose.err"
check "the kernel log reaches stderr with --verbose and only then" $? "quiet: $(head -c 100 "$T/quiet.err")"

# 9: QEMU makes its stdout non-blocking while it runs; that flag belongs to the open file, so a QEMU sharing
# the caller's stdout pipe made the CLI's stdout relay fail with EAGAIN as soon as a slow reader let the pipe
# fill (data lost, the run hung until --timeout)
head -c 2000000 /dev/urandom > "$T/mid"
want=$(sha256sum < "$T/mid")
got=$($SKIFF run --timeout 120 /bin/busybox cat < "$T/mid" 2>"$T/slow.err" | { sleep 3; sha256sum; })
[ "$want" = "$got" ]
check "2 MB into a pipe whose reader starts 3 s late arrive intact" $? "checksum differs: $(head -c 200 "$T/slow.err")"

# 10-16: a terminal, through tmux
if ! command -v tmux >/dev/null 2>&1; then
    for n in "host terminal size" "interactive prompt" "busybox sh job control" "bash job control" "TOSTOP natively" "TOSTOP" "^C" "terminal restored"; do tap_skip "$n" "tmux is not installed"; done
    tap_done
    exit $?
fi
TM="tmux -L skifftest.$$" # a server of our own: suites running at once must not share one
# pane WAIT-FOR-REGEX SECONDS: wait until the pane shows it
pane_wait() {
    i=0
    while [ $i -lt $(($2 * 5)) ]; do
        $TM capture-pane -t s -p > "$T/pane" 2>/dev/null
        grep -q -- "$1" "$T/pane" && return 0
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}
# start_pane COMMAND: runs COMMAND (one shell command line) in a fresh 30x100 terminal, recording the
# terminal's settings before and after and the exit status.
start_pane() {
    $TM kill-session -t s 2>/dev/null
    cat > "$T/pane.sh" <<PANE
stty -g > $T/stty.before
$*
echo EXIT=\$?
stty -g > $T/stty.after
sleep 60
PANE
    # killing the last session ends the tmux server, and a new-session that races with its exit fails
    # ("server exited unexpectedly"): try again until a new server takes it
    for try in 1 2 3 4 5 6 7 8 9 10; do
        $TM new-session -d -s s -x 100 -y 30 "sh $T/pane.sh" 2>/dev/null && return 0
        sleep 0.3
    done
    echo "# tmux would not start a session"
    return 1
}

start_pane "$SKIFF run --timeout 60 /bin/busybox stty size"
pane_wait 'EXIT=' 60
grep -q '^30 100' "$T/pane" && grep -q 'EXIT=0' "$T/pane"
check "busybox stty size prints the host terminal's size (30 100)" $? "$(grep -v '^$' "$T/pane" | head -3 | tr '\n' '|')"

# stderr and stdout at one terminal arrive in the order written (a shell's prompt and echo go to stderr, a
# job's output to stdout): 20 lines of E (stderr) then O (stdout) must read EO every time
start_pane "$SKIFF run --timeout 60 /bin/busybox sh -c 'i=0; while [ \$i -lt 20 ]; do printf E >&2; echo O; i=\$((i + 1)); done'"
pane_wait 'EXIT=' 60
[ "$(grep -c '^EO$' "$T/pane")" -eq 20 ] && grep -q 'EXIT=0' "$T/pane"
check "stderr and stdout at one terminal keep their order (20 lines of E then O read EO)" $? "$(grep -v '^$' "$T/pane" | head -6 | tr '\n' '|')"

if [ -d /usr/lib/python3.11 ]; then
    start_pane "$SKIFF run --timeout 180 --mem 512M --add /usr/lib/python3.11 /usr/bin/python3"
    pane_wait '>>>' 150 && $TM send-keys -t s 'print(6*7)' Enter && pane_wait '^42' 30 &&
        $TM send-keys -t s C-d && pane_wait 'EXIT=0' 30
    check "python3 at a terminal: >>> prompt, print(6*7) gives 42, ^D exits 0" $? "$(grep -v '^$' "$T/pane" | tail -4 | tr '\n' '|')"
else
    tap_skip "python3 at a terminal" "python3.11's standard library is not installed"
fi

if [ -x /usr/bin/htop ]; then
    # ncurses: the packed terminfo entry, the terminal's size, raw keys; /proc/stat and /proc/<pid> read
    start_pane "$SKIFF run --timeout 120 /usr/bin/htop"
    pane_wait 'Tasks:' 100 && pane_wait 'Load average' 10 && $TM send-keys -t s q && pane_wait 'EXIT=0' 30
    check "htop at a terminal draws its meters and the process list, q exits 0" $? "$(grep -v '^$' "$T/pane" | tail -4 | tr '\n' '|')"
    # what it shows once it has measured (a refresh every second): the busy yes near 100%, the idle sleep at 0.0
    start_pane "$SKIFF run --timeout 120 --rootfs / /bin/sh -c 'sleep 1000 & yes >/dev/null & exec htop -d 10'"
    pane_wait ' R  *[1-9][0-9]*\.[0-9] .*yes$' 100 && grep -q ' S  *0\.0 .*sleep 1000' "$T/pane" &&
        $TM send-keys -t s q && pane_wait 'EXIT=' 30
    check "htop at a terminal: a busy yes shows its CPU share, a sleeping process 0.0%" $? "$(grep -E 'yes|sleep' "$T/pane" | tr -s ' ' | tr '\n' '|')"
else
    tap_skip "htop at a terminal" "htop is not installed"
    tap_skip "htop at a terminal: CPU shares" "htop is not installed"
fi

# the console at a terminal is /dev/pts/0, as a container's terminal (docker run -t): tty(1), ps and ttyname()
# name it (glibc's ttyname compares fstat of the fd with stat of the name /proc/self/fd gives), and a new pty
# is /dev/pts/1. Before, tty said "not a tty" while isatty() was true, and ps showed "?".
if [ -x /usr/bin/python3 ] && [ -x /usr/bin/ps ]; then
    start_pane "$SKIFF run --timeout 120 --rootfs / /bin/sh -c 'tty; ps -o tty= -p 1; python3 -c \"import os; print(*[os.ttyname(i) for i in (0, 1, 2)], os.ttyname(os.openpty()[1]))\"'"
    pane_wait 'EXIT=' 100
    grep -q '^/dev/pts/0$' "$T/pane" && grep -q '^pts/0 *$' "$T/pane" &&
        grep -q '^/dev/pts/0 /dev/pts/0 /dev/pts/0 /dev/pts/1$' "$T/pane" && grep -q 'EXIT=0' "$T/pane"
    check "at a terminal: tty, ps and ttyname() name the console /dev/pts/0; the next pty is /dev/pts/1" $? "$(grep -v '^$' "$T/pane" | head -5 | tr '\n' '|')"
    # input typed at the terminal makes /dev/tty readable to poll/select (it answered only POLLOUT: a program
    # that waits on /dev/tty, as fzf does, never saw a key)
    start_pane "$SKIFF run --timeout 120 --rootfs / /usr/bin/python3 -c 'import os, select; f = os.open(\"/dev/tty\", os.O_RDONLY); print(\"waiting\", flush=True); print(\"readable\" if select.select([f], [], [], 60)[0] else \"timeout\")'"
    pane_wait '^waiting' 100 && sleep 1 && $TM send-keys -t s 'x' Enter && pane_wait '^readable' 30 && pane_wait 'EXIT=0' 30
    check "at a terminal: a key typed makes /dev/tty readable to select()" $? "$(grep -v '^$' "$T/pane" | tail -3 | tr '\n' '|')"
else
    tap_skip "at a terminal: the console is /dev/pts/0" "python3 or ps is not installed"
    tap_skip "at a terminal: /dev/tty readable to select()" "python3 or ps is not installed"
fi

# job control at an interactive shell: ^Z stops the foreground job (SIGTSTP to the terminal's foreground
# group), jobs lists it, bg continues it, fg brings it back to the foreground, ^C ends it, exit powers off with 0
pane_count() { # REGEX N SECONDS: wait until N lines of the pane match
    i=0
    while [ $i -lt $(($3 * 5)) ]; do
        $TM capture-pane -t s -p > "$T/pane" 2>/dev/null
        [ "$(grep -c -- "$1" "$T/pane")" -ge "$2" ] && return 0
        sleep 0.2
        i=$((i + 1))
    done
    return 1
}
job_control() { # SKIFF-ARGS PROMPT-REGEX
    start_pane "$SKIFF run --timeout 240 $1"
    pane_wait "$2" 150 && $TM send-keys -t s 'sleep 100' Enter && sleep 2 && $TM send-keys -t s C-z &&
        pane_wait 'Stopped.*sleep 100' 60 && $TM send-keys -t s 'jobs' Enter &&
        pane_count 'Stopped.*sleep 100' 2 30 && $TM send-keys -t s 'bg' Enter &&
        pane_wait '\[1\]+* sleep 100' 30 && $TM send-keys -t s 'fg' Enter && pane_wait '^sleep 100$' 30 &&
        sleep 2 && $TM send-keys -t s C-c && $TM send-keys -t s 'echo after=$?' Enter &&
        pane_wait '^after=130' 30 && $TM send-keys -t s 'exit' Enter && pane_wait 'EXIT=0' 60
}
job_control /bin/busybox\ sh '^/ #'
check "busybox sh at a terminal: sleep 100, ^Z (Stopped), jobs, bg, fg, ^C, exit 0" $? "$(grep -v '^$' "$T/pane" | tail -8 | tr '\n' '|')"
if [ -x /bin/bash ] && [ -x /bin/sleep ]; then
    job_control '--add /bin/sleep /bin/bash' '^bash.*#'
    check "bash at a terminal: sleep 100, ^Z (Stopped), jobs, bg, fg, ^C, exit 0" $? "$(grep -v '^$' "$T/pane" | tail -8 | tr '\n' '|')"
else
    tap_skip "bash at a terminal: job control" "bash is not installed"
fi

# TOSTOP: a background writer at a terminal is stopped by SIGTTOU (the program checks itself; natively first,
# so that a failure under skiff is skiff's)
start_pane "$B/tostop"
pane_wait 'EXIT=' 30
grep -q 'tostop: 0 failed' "$T/pane" && grep -q 'EXIT=0' "$T/pane"
check "tostop natively: TOSTOP stops a background writer with SIGTTOU; ignored or without TOSTOP it writes" $? "$(grep -v '^$' "$T/pane" | tail -6 | tr '\n' '|')"
start_pane "$SKIFF run --timeout 60 $B/tostop"
pane_wait 'EXIT=' 60
grep -q 'tostop: 0 failed' "$T/pane" && grep -q 'EXIT=0' "$T/pane"
check "TOSTOP at a terminal: a background writer is stopped by SIGTTOU; ignored or without TOSTOP it writes" $? "$(grep -v '^$' "$T/pane" | tail -6 | tr '\n' '|')"

start_pane "$SKIFF run --timeout 90 /bin/busybox sh -c 'echo ready; exec /bin/busybox cat'" 
pane_wait '^ready' 60
$TM send-keys -t s 'xyz' Enter
pane_wait '^xyz' 30 && $TM send-keys -t s C-c && pane_wait 'EXIT=130' 30
check "^C at a terminal ends the program with SIGINT (status 130)" $? "$(grep -v '^$' "$T/pane" | tail -3 | tr '\n' '|')"

pane_wait 'EXIT' 1
sleep 1
cmp -s "$T/stty.before" "$T/stty.after"
check "the host terminal's settings are as before the run" $? "stty -g differs"

tap_done
