#!/bin/sh
# tools/check-image.sh KERNEL — checks what the multiboot a.out-kludge fields rely on: the loadable segments
# are laid out in the file exactly as in physical memory (file offset - physical address is the same for
# all of them), and the multiboot header lies in the first 8 KiB of the file.
set -eu
k=$1
first=""
firstoff=""
for seg in $(readelf -lW "$k" | awk '$1 == "LOAD" { print $2 ":" $4 }'); do
    off=$((${seg%%:*}))
    pa=$((${seg#*:}))
    d=$((off - pa))
    if [ -z "$first" ]; then
        first=$d
        firstoff=$off
    elif [ "$d" != "$first" ]; then
        echo "check-image: $k: LOAD segments are not laid out in the file as in memory" >&2
        exit 1
    fi
done
[ -n "$first" ] || { echo "check-image: $k: no LOAD segments" >&2; exit 1; }
[ "$firstoff" -le $((8192 - 48)) ] || { echo "check-image: $k: multiboot header beyond the first 8 KiB" >&2; exit 1; }
