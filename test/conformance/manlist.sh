#!/bin/sh
# test/conformance/manlist.sh — what Linux documents for each system call of the table: the errno names of
# its man page's ERRORS section and the flag names of its DESCRIPTION, from Debian's manpages-dev
# (/usr/share/man/man2/NAME.2.gz). Prints one line per fact:
#   page SYSCALL PAGE       the syscall is documented by PAGE (several syscalls share one page: open, openat
#                           and creat are open(2); a page whose ERRORS section only says "As for waitpid(2)"
#                           stands for that page)
#   errno PAGE ENAME        ENAME heads an entry of PAGE's ERRORS list (EWOULDBLOCK counts as EAGAIN,
#                           EDEADLOCK as EDEADLK, ENOTSUP as EOPNOTSUPP: Linux gives them one value)
#   flag PAGE NAME          NAME heads an entry (.TP/.TQ tag) of PAGE's DESCRIPTION and looks like a flag,
#                           command or option constant: O_CREAT, MAP_FIXED, F_GETFL, MADV_FREE, WNOHANG,
#                           __WALL. Mode bits (S_IRUSR...) and the status macros (WIFEXITED...) are not flags.
# Fails (status 1, nothing printed) when the man pages are missing: never an empty list.
#
#   sh manlist.sh syscalls/syscall_64.tbl [MANDIR]
set -u
tbl=$1 man=${2:-/usr/share/man/man2}
# An image that keeps no documentation (dpkg path-exclude /usr/share/man) installs the package without its
# pages: then they come from the package file itself (apt-get download, dpkg-deb -x) into build/manpages.
if [ ! -f "$man/open.2.gz" ] && [ $# -lt 2 ]; then
    if [ ! -f build/manpages/usr/share/man/man2/open.2.gz ] && command -v apt-get >/dev/null; then
        mkdir -p build/manpages && (cd build/manpages && apt-get download -q manpages-dev >&2 &&
            dpkg-deb -x manpages-dev_*.deb .) >&2
    fi
    [ -f build/manpages/usr/share/man/man2/open.2.gz ] && man=$PWD/build/manpages/usr/share/man/man2
fi
if [ ! -f "$man/open.2.gz" ]; then
    echo "manlist.sh: no man pages in $man (Debian package manpages-dev)" >&2
    exit 1
fi
# The troff of one page: its tags and section heads, as "SECTION<TAB>tag line" and references in ERRORS.
extract() {
    zcat "$1" | awk -v page="$2" '
    /^\.\\"/ { next }
    /^\.SH / { sec = $0; sub(/^\.SH +/, "", sec); gsub(/"/, "", sec); tag = 0; next }
    /^\.(TP|TQ)/ { tag = 1; next }
    sec == "ERRORS" && !tag && /^\.BR [a-z0-9_]+ \(2\)/ && index(" " ref " ", " " $2 " ") == 0 { ref = ref (ref == "" ? "" : " ") $2 }
    tag && /^\.(PD|IP)/ { next }
    tag {
        tag = 0
        if ($0 !~ /^\.(B|BR|RB|BI|IB)[ \t]/) next
        s = $0; sub(/^\.[A-Z]+[ \t]+/, "", s); gsub(/\\f[BIRP]|"|\\-|\\ /, " ", s); gsub(/[(),|;:]/, " ", s)
        n = split(s, w, /[ \t]+/)
        for (i = 1; i <= n; i++) {
            t = w[i]
            if (sec == "ERRORS" && t ~ /^E[A-Z0-9]+$/) {
                if (t == "EWOULDBLOCK") t = "EAGAIN"
                if (t == "EDEADLOCK") t = "EDEADLK"
                if (t == "ENOTSUP") t = "EOPNOTSUPP"
                print "errno", page, t; nerr++
            } else if ((sec == "DESCRIPTION" || sec == "NOTES") && i == 1 && length(t) > 2 && t ~ /^(__)?[A-Z][A-Z0-9_]*[A-Z0-9]$/ &&
                       (t ~ /^(__)?[A-Z0-9]+_[A-Z0-9_]+$/ || t ~ /^(__)?W[A-Z]+$/) && t !~ /^S_I/ &&
                       t !~ /^W(IF[A-Z]+|EXITSTATUS|TERMSIG|STOPSIG|COREDUMP)$/) {
                print "flag", page, t
            }
            if (sec == "DESCRIPTION" || sec == "NOTES") break
        }
    }
    END { if (!nerr && ref != "") print "ref", page, ref }'
}
# Every syscall name of the table that has a page: the page is the file the name resolves to (symlinks).
names=$(awk '!/^[ \t]*#/ && NF >= 3 { print $2 }' "$tbl") || exit 1
out=$(
    for n in $names; do
        f=$man/$n.2.gz
        [ -f "$f" ] || continue
        p=$(readlink -f "$f") && p=${p##*/} && p=${p%.2.gz}
        echo "page $n $p"
    done
    pages=$(for n in $names; do [ -f "$man/$n.2.gz" ] && readlink -f "$man/$n.2.gz"; done | sort -u)
    for f in $pages; do
        p=${f##*/}
        p=${p%.2.gz}
        extract "$f" "$p"
    done
) || exit 1
# A page whose ERRORS section only refers to other pages: "As for waitpid(2)" (one page) makes it stand for
# that page (wait4 is documented in wait(2)); "any error specified for read(2) or lseek(2)" gives it their
# errnos (pread).
refs=$(printf '%s\n' "$out" | awk '$1 == "ref"' | while read -r _ p names; do
    t=
    for r in $names; do
        [ -f "$man/$r.2.gz" ] || continue
        q=$(readlink -f "$man/$r.2.gz") && q=${q##*/} && t="$t ${q%.2.gz}"
    done
    set -- $t
    [ $# -eq 1 ] && echo "alias $p $1"
    [ $# -gt 1 ] && echo "errsof $p $*"
done)
printf '%s\n%s\n' "$refs" "$out" | awk '
    $1 == "alias" { to[$2] = $3; next }
    $1 == "errsof" { for (i = 3; i <= NF; i++) from[$2] = from[$2] " " $i; next }
    $1 == "ref" || NF < 3 { next }
    { line[++n] = $0; if ($1 == "errno") errs[$2] = errs[$2] " " $3 }
    END {
        for (i = 1; i <= n; i++) {
            split(line[i], w, " ")
            if (w[1] == "page") print "page", w[2], ((w[3] in to) ? to[w[3]] : w[3])
            else if (!(w[2] in to)) print line[i]
        }
        for (p in from) {
            k = split(from[p], t, " ")
            for (j = 1; j <= k; j++) { m = split(errs[t[j]], e, " "); for (x = 1; x <= m; x++) print "errno", p, e[x] }
        }
    }' | sort -u
