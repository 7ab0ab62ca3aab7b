#!/bin/sh
# tools/need.sh PACKAGE:COMMAND ... — make sure each COMMAND exists; install the missing PACKAGEs with apt-get
# when we are root on Debian, otherwise print the one apt-get line to run and fail.
set -eu
missing=""
for pair in "$@"; do
    pkg=${pair%%:*}
    cmd=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || [ -e "$cmd" ] || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "skiff: installing$missing" >&2
    # Server packages (redis-server, nginx) start their services when installed; the tests run them inside
    # skiff only, so a temporary policy-rc.d keeps them down on this host.
    policy=/usr/sbin/policy-rc.d
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && trap 'rm -f "$policy"' EXIT
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2 ||
        { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >&2; }
    exit 0
fi
echo "skiff: missing tools; run: sudo apt-get install -y$missing" >&2
exit 1
