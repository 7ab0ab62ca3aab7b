#!/bin/sh
# test/conformance/gendoc.sh — writes docs/syscalls.md: every Linux x86_64 syscall of the table, its number,
# skiff's status (implemented / partial: what is missing, from test/conformance/partial / ENOSYS), the test
# programs that cover it (their `/* covers: ... */` lines) and, given the programs' TAP output, how many success
# and error-path checks it has (a check belongs to the syscall its name starts with; error checks end in
# "-> ENAME"). Prints on stdout the number of implemented syscalls lacking a success or an error-path check
# (or any covering program), followed by their names. With the TAP, a second section lists per man page the
# errnos and flags Linux documents (test/conformance/manlist.sh, from manpages-dev) and which of them the
# checks cover (named in a passing check's name or in a `# covers` line after it: tap.h's T_COVERS); then
# stdout has one line per family of test/conformance/families and one for all pages:
#   coverage FAMILY ERRNOS_COVERED ERRNOS_DOCUMENTED FLAGS_COVERED FLAGS_DOCUMENTED ERRNOS_UNPROVOKABLE FLAGS_UNPROVOKABLE
# (the last two: the documented errnos and flags not covered that test/conformance/unprovokable says one program
# cannot provoke natively, with why; they stay in the documented count and are marked in the table)
# The TAP given should hold only the checks that agree with Linux (run.sh passes those). Any failure (no man
# pages, an awk error, an implausibly short result) exits non-zero and leaves OUT as it was.
#
#   sh gendoc.sh syscalls/syscall_64.tbl test/conformance docs/syscalls.md [TAPDIR]
set -u
tbl=$1 dir=$2 out=$3 tapdir=${4:-}
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp" "$tmp.covers" "$tmp.taps" "$tmp.count" "$tmp.man"' EXIT
# The covers lines and the TAP go to awk in files: as -v strings they outgrow one argument's limit (128 KiB).
for f in "$dir"/*.c; do
    n=${f##*/}
    sed -n 's|^/\* covers: \(.*\) \*/$|\1|p' "$f" | tr ' ' '\n' | sed "/^\$/d; s/\$/ ${n%.c}/"
done >"$tmp.covers"
: >"$tmp.taps"
if [ -n "$tapdir" ] && [ -d "$tapdir" ]; then
    cat "$tapdir"/*.tap 2>/dev/null | grep -E '^(ok [0-9]+ |# covers )' | grep -v '^ok .* # SKIP' >"$tmp.taps"
fi
sh "$dir/manlist.sh" "$tbl" >"$tmp.man" || exit 1
[ "$(grep -c '^page ' "$tmp.man")" -ge 100 ] || { echo "gendoc.sh: too few man pages found" >&2; exit 1; }
awk -v coversfile="$tmp.covers" -v manfile="$tmp.man" -v famfile="$dir/families" -v tapfile="$tmp.taps" -v partialfile="$dir/partial" \
    -v unprovfile="$dir/unprovokable" \
    -v hastap="$([ -s "$tmp.taps" ] && echo 1)" '
BEGIN {
    while ((getline l < coversfile) > 0) {
        split(l, w, " ")
        prev = (w[1] in tests) ? tests[w[1]] ", " : ""
        tests[w[1]] = prev w[2]
    }
    while ((getline s < tapfile) > 0) {
        if (s ~ /^# covers /) { ncov++; covl[ncov] = substr(s, 10); continue }
        sub(/^ok [0-9]+ /, "", s); ntap++; tapl[ntap] = s; sc = s; sub(/ .*/, "", sc)
        if (s ~ / -> E[A-Z0-9]/) err[sc]++; else ok[sc]++
    }
    while ((getline l < partialfile) > 0) {
        if (l ~ /^[ \t]*(#|$)/) continue
        k = index(l, " | ")
        if (k) partial[substr(l, 1, k - 1)] = substr(l, k + 3)
    }
    # no error path to test: these calls cannot fail (brk reports failure by returning the old break)
    # sync returns nothing; getpgrp cannot fail; set[res]uid/set[res]gid cannot fail for root in the initial
    # user namespace (every id but -1 is valid, -1 means "unchanged", and making them fail needs an
    # unprivileged caller, which this one-process suite never becomes); setfsuid/setfsgid report nothing but the
    # previous id (an id they refuse is ignored, not an error); rt_sigreturn does not return an
    # error: a bad frame kills the process (it is tested by handlers returning, sighandler.c)
    # fork and vfork fail only when memory runs out, which a test cannot arrange; alarm cannot fail;
    # personality takes any persona and munlockall cannot fail
    split("alarm getpid getppid gettid getuid geteuid getgid getegid sched_yield umask exit exit_group set_tid_address brk sync getpgrp setreuid setregid setresuid setresgid setfsuid setfsgid rt_sigreturn fork vfork personality munlockall", ne, " ")
    # exit and exit_group end every program: the runner checks the status they leave, not a TAP line
    ok["exit"] = ok["exit_group"] = 1
    for (i in ne) noerr[ne[i]] = 1
    # no success path to test: skiff stores no extended attributes, so reading, setting and removing one
    # always fail (ENODATA, EOPNOTSUPP); the tests check those errors, which Linux gives alike (attr.c)
    # fork, vfork: the suite never forks (each test is one process), so their success is tested by the guest
    # tests instead (test/guest/run.sh: busybox sh pipelines, command substitution, background jobs, wait)
    # pause and rt_sigsuspend return nothing but EINTR (tested, sigwait.c); wait4 succeeds only for a child;
    # setpgid succeeds only for a process that does not lead its session, or on a child: the suite
    # program leads its session (as under skiff), so the guest test t_pgrp checks it with a child
    split("getxattr lgetxattr fgetxattr setxattr lsetxattr fsetxattr removexattr lremovexattr fremovexattr fork vfork pause rt_sigsuspend wait4 setpgid", ns, " ")
    for (i in ns) nosucc[ns[i]] = 1
    # tested outside this suite (processes need a second process): test/guest/run.sh t_processes
    tests["fork"] = tests["vfork"] = "guest: t_processes"
    tests["wait4"] = (("wait4" in tests) ? tests["wait4"] " " : "") "guest: t_processes"
    tests["setpgid"] = (("setpgid" in tests) ? tests["setpgid"] " " : "") "guest: t_pgrp"
    print "# Linux x86_64 system calls in skiff"
    print ""
    print "Generated by `make conformance` (test/conformance/gendoc.sh) from `syscalls/syscall_64.tbl`, the"
    print "`/* covers: */` lines of `test/conformance/*.c`, `test/conformance/partial` and the TAP"
    print "output of the tests. Do not edit by hand."
    print ""
    print "Status: **implemented**; **partial** (what is missing follows); **ENOSYS** (no handler: the call fails"
    print "with ENOSYS). Checks: success checks / error-path checks in the conformance suite, which runs every test"
    print "natively on Linux and under skiff and compares the results (`make conformance`)."
    print ""
    print "| # | syscall | status | tests | checks |"
    print "| ---: | --- | --- | --- | --- |"
}
/^[ \t]*#/ || NF < 3 { next }
{
    num = $1; name = $2; h = $3
    if (h != "-") implemented[name] = 1
    total++
    if (h == "-") { st = "ENOSYS"; nosys++ }
    else if (name in partial) { st = "partial: " partial[name]; impl++; part++ }
    else { st = "implemented"; impl++ }
    tl = (name in tests) ? tests[name] : ""
    ck = ""
    if (h != "-" && hastap) ck = ((name in nosucc) ? "n/a" : (ok[name] + 0)) " / " ((name in noerr) ? "n/a" : (err[name] + 0))
    else if (h != "-") ck = "?"
    if (h != "-" && (tl == "" || (hastap && ((!(name in nosucc) && ok[name] + 0 == 0) || (!(name in noerr) && err[name] + 0 == 0))))) {
        untested++; ul = ul " " name
    }
    printf "| %s | %s | %s | %s | %s |\n", num, name, st, tl, ck
}
END {
    print ""
    printf "%d syscalls: %d with a handler (%d of them partial), %d ENOSYS. Implemented but lacking a success or an error-path test: %d.\n", total, impl, part, nosys, untested + 0
    print (untested + 0) ul > "/dev/stderr"
    # Documented errnos and flags per man page, and which the checks that agree with Linux cover.
    if (hastap) coverage()
}
function coverage(   l, w, i, n, t, s, sc, pg, k, fm, fams, pl, np, a, b, ec, et, fc, ft, ce, ue, cf, uf, eu, fu) {
    while ((getline l < manfile) > 0) {
        split(l, w, " ")
        if (w[1] == "page") { page[w[2]] = w[3]; calls[w[3]] = calls[w[3]] (calls[w[3]] == "" ? "" : " ") w[2] }
        else if (w[1] == "errno") { docerr[w[2], w[3]] = 1; errl[w[2]] = errl[w[2]] " " w[3] }
        else if (w[1] == "flag") { docflag[w[2], w[3]] = 1; flagl[w[2]] = flagl[w[2]] " " w[3] }
    }
    while ((getline l < unprovfile) > 0) { # PAGE(2) NAME | why
        if (l ~ /^[ \t]*(#|$)/ || index(l, " | ") == 0) continue
        split(substr(l, 1, index(l, " | ") - 1), w, " ")
        sub(/\(2\)$/, "", w[1])
        unprov[w[1], w[2]] = 1
    }
    while ((getline l < famfile) > 0) {
        if (l ~ /^[ \t]*(#|$)/ || index(l, " | ") == 0) continue
        fm = substr(l, 1, index(l, " | ") - 1); fams = fams " " fm
        n = split(substr(l, index(l, " | ") + 3), w, " ")
        for (i = 1; i <= n; i++) if (w[i] in page && !(page[w[i]] in family)) family[page[w[i]]] = fm
    }
    # a check names its syscall first; its errno after "->"; flags anywhere in its name (whole words)
    for (i = 1; i <= ntap; i++) {
        s = tapl[i]; sc = s; sub(/ .*/, "", sc)
        if (!(sc in page) && (sc in calls)) page[sc] = sc # a page named for a library call (recv, send)
        if (!(sc in page)) continue
        pg = page[sc]
        if (match(s, / -> E[A-Z0-9]+/)) {
            t = substr(s, RSTART + 4, RLENGTH - 4)
            if (t == "EWOULDBLOCK") t = "EAGAIN"
            if ((pg, t) in docerr) coverr[pg, t] = 1
        }
        n = split(s, w, /[^A-Za-z0-9_]+/)
        for (k = 1; k <= n; k++) if ((pg, w[k]) in docflag) covflag[pg, w[k]] = 1
    }
    for (i = 1; i <= ncov; i++) { # "# covers SYSCALL WORD..."
        n = split(covl[i], w, " ")
        if (!(w[1] in page)) continue
        pg = page[w[1]]
        for (k = 2; k <= n; k++) {
            if ((pg, w[k]) in docerr) coverr[pg, w[k]] = 1
            if ((pg, w[k]) in docflag) covflag[pg, w[k]] = 1
        }
    }
    # the pages of implemented syscalls, in name order
    for (sc in page) if ((sc in implemented) && !(page[sc] in seen)) { seen[page[sc]] = 1; pl[++np] = page[sc] }
    for (a = 2; a <= np; a++) for (b = a; b > 1 && pl[b - 1] > pl[b]; b--) { t = pl[b]; pl[b] = pl[b - 1]; pl[b - 1] = t }
    print ""
    print "## Documented errnos and flags"
    print ""
    print "Per man page (Debian package manpages-dev, extracted by `test/conformance/manlist.sh`): the errnos of its ERRORS"
    print "section and the flags, commands and option constants its DESCRIPTION lists, and which of them a check"
    print "covers: a check that agrees with Linux and names the errno (`-> ENOENT`) or the flag, in its name or"
    print "in a `# covers` line (`T_COVERS` in `test/conformance/tap.h`). Families: `test/conformance/families`."
    print "A name marked † is one a single program cannot provoke natively as root without harming or reconfiguring"
    print "the host (disk quotas, failing devices, kernel memory exhaustion, 32-bit callers): `test/conformance/unprovokable`"
    print "says why for each. They count as documented and not covered; the family lines give the share of the rest."
    print ""
    print "| page | syscalls | family | errnos | covered | not covered | flags | covered | not covered |"
    print "| --- | --- | --- | ---: | --- | --- | ---: | --- | --- |"
    for (a = 1; a <= np; a++) {
        pg = pl[a]; fm = (pg in family) ? family[pg] : ""
        ec = et = fc = ft = 0; ce = ue = cf = uf = ""
        n = split(errl[pg], w, " ")
        eu = fu = 0
        for (k = 1; k <= n; k++) {
            et++
            if ((pg, w[k]) in coverr) { ec++; ce = ce " " w[k] }
            else if ((pg, w[k]) in unprov) { eu++; ue = ue " " w[k] "†" }
            else ue = ue " " w[k]
        }
        n = split(flagl[pg], w, " ")
        for (k = 1; k <= n; k++) {
            ft++
            if ((pg, w[k]) in covflag) { fc++; cf = cf " " w[k] }
            else if ((pg, w[k]) in unprov) { fu++; uf = uf " " w[k] "†" }
            else uf = uf " " w[k]
        }
        printf "| %s(2) | %s | %s | %d / %d |%s |%s | %d / %d |%s |%s |\n", pg, calls[pg], fm, ec, et, ce, ue, fc, ft, cf, uf
        tot["all", 1] += ec; tot["all", 2] += et; tot["all", 3] += fc; tot["all", 4] += ft
        tot["all", 5] += eu; tot["all", 6] += fu
        if (fm != "") { tot[fm, 1] += ec; tot[fm, 2] += et; tot[fm, 3] += fc; tot[fm, 4] += ft; tot[fm, 5] += eu; tot[fm, 6] += fu }
    }
    print ""
    n = split(fams " all", w, " ")
    for (k = 1; k <= n; k++) {
        printf "- %s: documented errnos covered: %d of %d (%d of the %d one program can provoke), flags covered: %d of %d (%d of %d)\n", w[k],
            tot[w[k], 1], tot[w[k], 2], tot[w[k], 1], tot[w[k], 2] - tot[w[k], 5], tot[w[k], 3], tot[w[k], 4], tot[w[k], 3], tot[w[k], 4] - tot[w[k], 6]
        printf "coverage %s %d %d %d %d %d %d\n", w[k], tot[w[k], 1], tot[w[k], 2], tot[w[k], 3], tot[w[k], 4], tot[w[k], 5] + 0, tot[w[k], 6] + 0 > "/dev/stderr"
    }
}' "$tbl" >"$tmp" 2>"$tmp.count" || { cat "$tmp.count" >&2; exit 1; }
# the table has a row per syscall of the table: anything much shorter is a failure, not a document
[ "$(grep -c '^| ' "$tmp")" -ge "$(grep -c '^[0-9]' "$tbl")" ] || { echo "gendoc.sh: $out would be incomplete" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
cp "$tmp" "$out" || exit 1
cat "$tmp.count"
rm -f "$tmp.count"
