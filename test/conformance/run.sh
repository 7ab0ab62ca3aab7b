#!/bin/sh
# test/conformance/run.sh — the differential syscall conformance runner (issue 3).
#
#   sh test/conformance/run.sh [--build DIR] [--kernel FILE] [--jobs N] [--builds "B..."] [--volume] [--cpus N] [NAME...]
#
# --volume: each program's scratch directory is on a host directory: natively a directory on the host's disk,
# under skiff the same kind of directory shared as a 9P volume (-v DIR:/vol, SKIFF_CONF_SCRATCH=/vol).
# --cpus N: skiff runs every program with N CPUs (SKIFF_CPUS); test/conformance/allowlist.cpus2 lists what
# several CPUs still get wrong; docs/syscalls.md is left to the default run.
#
# Runs every test program of DIR (default build/conformance: the static/ (static glibc), pie/ (static-PIE
# glibc), musl/ (static-PIE musl), dyn/ (dynamic glibc PIE, through ld.so) and dynmusl/ (dynamic musl PIE)
# builds of each test/conformance/*.c; --builds picks some of them) natively and under skiff (tools/skiff run --timeout CONF_TIMEOUT, one boot per program, N boots
# at a time, default 2), compares the TAP lines, prints a table per program, one line per divergence naming the
# syscall (the first word of the test name) and the difference, writes docs/syscalls.md, and ends with exactly
# one line `N passed, N failed, N skipped; documented errnos covered: N of M (P%; Q% of the provokable), flags
# covered: N of M (P%; Q%)` (the man pages' errnos and flags that agreeing checks cover; Q leaves out what
# test/conformance/unprovokable says one program cannot provoke; per family on the `# coverage` lines before it:
# test/conformance/families, gendoc.sh). A program that runs past CONF_TIMEOUT seconds (default 120), natively or
# under skiff, is killed and the check that blocked is named. A test that fails natively is a broken test (counted as failed).
# Divergences listed in test/conformance/allowlist are counted apart, not as failures.
# Exit status: 0 when nothing failed.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd -P)
cd "$top" || exit 2
BUILD=build/conformance
KERNEL=
JOBS=2
BUILDS="static pie musl dyn dynmusl"
VOLUME=
CPUS=
while [ $# -gt 0 ]; do
    case $1 in
    --build) BUILD=$2; shift 2 ;;
    --kernel) KERNEL=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --builds) BUILDS=$2; shift 2 ;;
    --volume) VOLUME=1; shift ;;
    --cpus) CPUS=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "usage: run.sh [--build DIR] [--kernel FILE] [--jobs N] [--builds \"B...\"] [--volume] [--cpus N] [NAME...]" >&2; exit 2 ;;
    *) break ;;
    esac
done
SKIFF=${SKIFF:-tools/skiff}
LIMIT=${CONF_TIMEOUT:-120} # seconds a program may take, natively and under skiff
ALLOW=${ALLOW:-test/conformance/allowlist}

names=$*
all=
if [ -z "$names" ]; then
    all=1
    for f in test/conformance/*.c; do
        n=${f##*/}
        names="$names ${n%.c}"
    done
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/skiff-conformance.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
if [ -n "$VOLUME" ]; then # what 9P forces comes on top of the usual list
    cat "$ALLOW" test/conformance/allowlist.volume >"$tmp/allowlist" && ALLOW=$tmp/allowlist
fi
if [ -n "$CPUS" ]; then # every program at --cpus N (SKIFF_CPUS); what several CPUs still do wrong on top
    export SKIFF_CPUS="$CPUS"
    [ "$CPUS" = 1 ] || { cat "$ALLOW" test/conformance/allowlist.cpus2 >"$tmp/allowlist.c" && ALLOW=$tmp/allowlist.c; }
fi
trap 'exit 130' INT
trap 'exit 143' TERM

# The programs, as build/name pairs; a missing binary is a failure of its own.
progs=
missing=0
for n in $names; do
    for b in $BUILDS; do
        if [ -x "$BUILD/$b/$n" ]; then
            progs="$progs $b/$n"
        else
            echo "not ok - $BUILD/$b/$n was not built (make conformance-bin)"
            missing=$((missing + 1))
        fi
    done
done

# Natively first, one at a time (each program works in its own /tmp directory, so they could overlap, but
# they are quick), then under skiff: the programs dealt round-robin to JOBS lanes that boot one after another.
for p in $progs; do
    key=$(echo "$p" | tr / _)
    # setsid: under skiff the program leads its own session (pid 1); natively it does too, so the results do
    # not depend on the session or process group the runner was started in (a CI job, a terminal, make).
    # umask 022 and a plain environment: what tools/skiff gives the guest.
    scratch=
    if [ -n "$VOLUME" ]; then
        scratch=$tmp/native-$key
        mkdir -p "$scratch"
    fi
    # No program may hang the suite: a watchdog kills its session after $LIMIT seconds (the runner names the
    # check that blocked). The background subshell is no process group leader, so setsid does not fork and
    # the program keeps its pid: that pid is its session and process group.
    (umask 022 && exec env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 SKIFF_CONF_SCRATCH="$scratch" \
        setsid -w "$BUILD/$p") </dev/null \
        >"$tmp/$key.native" 2>"$tmp/$key.native.err" &
    pid=$!
    (s=; trap '[ -z "$s" ] || kill "$s" 2>/dev/null; exit 0' TERM # TERM may come before $! is known
        sleep "$LIMIT" & s=$!
        wait $s && : >"$tmp/$key.native.timeout" && kill -KILL -"$pid" "$pid" 2>/dev/null) &
    wd=$!
    wait "$pid"
    echo $? >"$tmp/$key.native.rc"
    kill "$wd" 2>/dev/null
    wait "$wd"
done

lane() {
    for p in "$@"; do
        key=$(echo "$p" | tr / _)
        set --
        [ -n "$KERNEL" ] && set -- --kernel "$KERNEL"
        if [ -n "$VOLUME" ]; then
            mkdir -p "$tmp/vol-$key"
            set -- "$@" -v "$tmp/vol-$key:/vol" --env SKIFF_CONF_SCRATCH=/vol
        fi
        "$SKIFF" run --timeout "$LIMIT" "$@" "$BUILD/$p" </dev/null >"$tmp/$key.skiff" 2>"$tmp/$key.skiff.err"
        echo $? >"$tmp/$key.skiff.rc"
        # the guest's console is a terminal (ONLCR): its lines end in CR LF, Linux's into a file in LF
        tr -d '\r' <"$tmp/$key.skiff" >"$tmp/$key.skiff.lf" && mv "$tmp/$key.skiff.lf" "$tmp/$key.skiff"
    done
}
i=0
pids=
while [ $i -lt "$JOBS" ]; do
    set --
    j=0
    for p in $progs; do
        [ $((j % JOBS)) -eq $i ] && set -- "$@" "$p"
        j=$((j + 1))
    done
    if [ $# -gt 0 ]; then
        lane "$@" &
        pids="$pids $!"
    fi
    i=$((i + 1))
done
for pid in $pids; do
    wait "$pid"
done

# Compare: one awk pass per program prints its divergences and a counts line "COUNTS p f a s".
compare() {
    prog=$1 key=$2
    awk -v prog="$prog" -v nrc="$(cat "$tmp/$key.native.rc")" -v src="$(cat "$tmp/$key.skiff.rc")" \
        -v ntimeout="$([ -f "$tmp/$key.native.timeout" ] && echo 1)" -v limit="$LIMIT" \
        -v allowfile="$ALLOW" '
    function tname(line,   s, k) {
        s = line
        sub(/^(not )?ok [0-9]+ /, "", s)
        k = index(s, " # ")
        return k ? substr(s, 1, k - 1) : s
    }
    function diag(line,   k) { k = index(line, " # "); return k ? substr(line, k + 3) : "" }
    function num(line,   s) { s = line; sub(/^(not )?ok /, "", s); sub(/ .*/, "", s); return s + 0 }
    function syscall_of(name,   s) { s = name; sub(/ .*/, "", s); return s }
    BEGIN {
        split(prog, pb, "/"); fam = pb[2]
        while ((getline l < allowfile) > 0) {
            if (l ~ /^[ \t]*(#|$)/) continue
            n = split(l, fld, / \| /)
            if (n < 3) continue
            gsub(/^[ \t]+|[ \t]+$/, "", fld[1]); gsub(/^[ \t]+|[ \t]+$/, "", fld[2])
            if (fld[1] == fam || fld[1] == "*") allow[fld[2]] = fld[3]
        }
    }
    FILENAME == ARGV[1] && /^(not )?ok [0-9]+ / { nat[num($0)] = $0; if (num($0) > nmax) nmax = num($0); next }
    FILENAME == ARGV[1] && /^1\.\.[0-9]+$/ { nplan = $0; next }
    FILENAME == ARGV[2] && /^(not )?ok [0-9]+ / { sk[num($0)] = $0; next }
    FILENAME == ARGV[2] && /^1\.\.[0-9]+$/ { splan = $0; next }
    END {
        p = f = a = s = 0
        if (ntimeout && nplan != "") { # every check done, the plan printed: only the exit was slow (a loaded host)
            printf "NOTE %s: natively done with its checks but not exited after %d s (killed)\n", prog, limit
            ntimeout = 0; nrc = 0
        }
        if (ntimeout) { # natively the check after the last result blocked: its name is unknown, its place is not
            printf "BROKEN %s #%d: timed out natively after %d s: the check after \"%s\" blocked\n", prog, nmax + 1, limit, (nmax ? tname(nat[nmax]) : "(none)"); f++
        }
        if (nmax == 0 || nplan == "") {
            printf "BROKEN %s: no TAP plan natively (exit status %d)\n", prog, nrc; f++
        }
        for (i = 1; i <= nmax; i++) {
            if (!(i in nat)) { printf "BROKEN %s: test %d missing natively\n", prog, i; f++; continue }
            nl = nat[i]; name = tname(nl); sc = syscall_of(name)
            if (nl ~ /^not ok/) { printf "BROKEN %s #%d %s: fails natively: %s # %s\n", prog, i, sc, name, diag(nl); f++; continue }
            if (!(i in sk)) {
                if (!stopped && src == 124)
                    printf "DIVERGE %s #%d %s: %s: timed out under skiff after %d s: this check blocked\n", prog, i, sc, name, limit
                else if (!stopped)
                    printf "DIVERGE %s #%d %s: %s: no result under skiff: the program stopped here (skiff exit status %d)\n", prog, i, sc, name, src
                stopped = 1; f++; continue
            }
            sl = sk[i]
            if (sl == nl) { if (nl ~ / # SKIP/) s++; else p++; continue }
            what = (tname(sl) != name) ? "test sequence differs: skiff ran \"" tname(sl) "\"" : \
                   (sl ~ /^not ok/ ? diag(sl) : "skiff: \"" sl "\", Linux: \"" nl "\"")
            if (name in allow) { a++; used[name] = 1; printf "ALLOWED %s #%d %s: %s: %s\n", prog, i, sc, name, what; continue }
            printf "DIVERGE %s #%d %s: %s: %s\n", prog, i, sc, name, what; f++
        }
        if (nrc != 0 && f == 0) { printf "BROKEN %s: exits with status %d natively\n", prog, nrc; f++ }
        if (src > 1 && !stopped) { printf "DIVERGE %s: skiff exit status %d (124 timeout, 125 panic, 128+N signal)\n", prog, src; f++ }
        if (splan != nplan && !stopped && src <= 1) { printf "DIVERGE %s: plan \"%s\" under skiff, \"%s\" natively\n", prog, splan, nplan; f++ }
        for (k in allow) if (!(k in used)) printf "STALE %s: allowlist entry matched no divergence: %s\n", prog, k
        printf "COUNTS %d %d %d %d\n", p, f, a, s
    }' "$tmp/$key.native" "$tmp/$key.skiff"
}

tp=0 tf=$missing ta=0 ts=0
summary_cover=
: >"$tmp/report"
: >"$tmp/stale"
printf '%-10s %-7s %6s %6s %6s %6s  %s\n' program build passed failed allowed skipped status >"$tmp/table"
for p in $progs; do
    key=$(echo "$p" | tr / _)
    compare "$p" "$key" >"$tmp/$key.cmp"
    set -- $(grep '^COUNTS ' "$tmp/$key.cmp")
    cp=$2 cf=$3 ca=$4 cs=$5
    grep -E '^(DIVERGE|BROKEN|ALLOWED) ' "$tmp/$key.cmp" >>"$tmp/report"
    grep '^STALE ' "$tmp/$key.cmp" >>"$tmp/stale"
    st=ok
    [ "$cf" -gt 0 ] && st=FAIL
    grep -q '^BROKEN ' "$tmp/$key.cmp" && st=BROKEN
    printf '%-10s %-7s %6d %6d %6d %6d  %s\n' "${p#*/}" "${p%%/*}" "$cp" "$cf" "$ca" "$cs" "$st" >>"$tmp/table"
    tp=$((tp + cp)) tf=$((tf + cf)) ta=$((ta + ca)) ts=$((ts + cs))
done

echo "# skiff syscall conformance: each program natively and under skiff, TAP compared line by line"
cat "$tmp/table"
if grep -q '^ALLOWED ' "$tmp/report"; then
    echo "# allowlisted divergences (test/conformance/allowlist):"
    grep '^ALLOWED ' "$tmp/report" | sed 's/^ALLOWED [a-z]*\///' | sort | uniq -c |
        awk '{ n = $1; $1 = ""; printf "#  %s (%d build%s)\n", $0, n, (n > 1 ? "s" : "") }'
fi
# An allowlist entry is stale only if no build of its program used it.
if [ -s "$tmp/stale" ]; then
    sed 's/^STALE [a-z]*\/\([^:]*\): /\1: /' "$tmp/stale" | sort | uniq -c | awk -v nb=$(echo $BUILDS | wc -w) \
        '$1 == nb { $1 = ""; print "# note: allowlist entry no longer needed:" $0 }'
fi
if grep -qE '^(DIVERGE|BROKEN) ' "$tmp/report"; then
    echo "# failures:"
    grep -E '^(DIVERGE|BROKEN) ' "$tmp/report"
    echo "# divergences by syscall:"
    grep -E '^(DIVERGE|BROKEN) .*#[0-9]+ ' "$tmp/report" | sed 's/^[A-Z]* [^ ]* #[0-9]* \([a-z0-9_]*\):.*/\1/' |
        sort | uniq -c | awk '{ printf "#   %s: %d\n", $2, $1 }'
fi

# docs/syscalls.md, from the syscall table, the covers: lines and the native TAP of one build of each program
# (static when it ran, else the first build run: every build runs the same checks). Only a run of every
# program writes it: a partial run would undercount the checks.
if [ -n "$all" ] && [ -z "$CPUS" ]; then # the coverage is the default run's
    mkdir -p "$tmp/tap"
    for n in $names; do
        for b in static $BUILDS; do
            if [ -f "$tmp/${b}_$n.native" ]; then
                # only the checks that pass natively and agree under skiff count as covering anything, with
                # the "# covers" lines that follow them
                awk 'FILENAME == ARGV[1] { sk[$0] = 1; next }
                    /^(not )?ok [0-9]+ / { keep = ($0 ~ /^ok / && ($0 in sk)); if (keep) print; next }
                    /^# covers / && keep' "$tmp/${b}_$n.skiff" "$tmp/${b}_$n.native" >"$tmp/tap/$n.tap" || tf=$((tf + 1))
                break
            fi
        done
    done
    if sh test/conformance/gendoc.sh syscalls/syscall_64.tbl test/conformance docs/syscalls.md "$tmp/tap" >"$tmp/gendoc" &&
        untested=$(head -n 1 "$tmp/gendoc") && [ -n "$untested" ] && grep -q '^coverage all ' "$tmp/gendoc"; then
        echo "# docs/syscalls.md written; implemented syscalls without a success and an error-path test: $untested"
        # the documented errnos and flags the checks cover (man pages of manpages-dev, test/conformance/families)
        # (in parentheses: the share of what one program can provoke, test/conformance/unprovokable aside)
        cover=$(awk 'function pc(a, b) { return b > 0 ? int(100 * a / b) : 0 }
        $1 == "coverage" {
            pe = pc($3, $4); pf = pc($5, $6); qe = pc($3, $4 - $7); qf = pc($5, $6 - $8)
            line = sprintf("documented errnos covered: %d of %d (%d%%; %d%% of the provokable), flags covered: %d of %d (%d%%; %d%%)",
                $3, $4, pe, qe, $5, $6, pf, qf)
            if ($2 == "all") all = line
            printf "# coverage %-8s %s\n", $2 ":", line > "/dev/stderr"
        } END { print all }' "$tmp/gendoc" 2>&1 >"$tmp/cover.all")
        echo "$cover"
        summary_cover="; $(cat "$tmp/cover.all")"
    else
        echo "not ok - test/conformance/gendoc.sh failed: docs/syscalls.md is not up to date"
        tf=$((tf + 1))
    fi
else
    echo "# docs/syscalls.md not written (only some programs ran)"
fi
echo "# $ta allowlisted divergences (not counted as failures)"
echo "$tp passed, $tf failed, $ts skipped$summary_cover"
[ "$tf" -eq 0 ]
