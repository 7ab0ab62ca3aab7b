# test/cli/same.sh — sourced by test/cli/run.sh: build/skiff (tools/cli, C) against tools/skiff.sh (the shell
# implementation it replaces on the common path): for each command line below, both with the fake QEMU, the same
# exit status, the same messages, the same QEMU command line and the same files in the initrd. Paths that differ
# by nature are normalised: the work directory (WORK), the cache key (KEY), the host's clock (walltime=T), and the "running:" line of --verbose
# (the shell's starts with setsid and timeout, which the C program does itself).

# same_run IMPL ARGS...: one implementation (c or sh), into $tmp/same.IMPL.{st,err,args,list,skiff}.
same_run() {
	sr_impl=$1
	shift
	rm -f "$tmp/qemu.args" "$tmp/image"
	if [ "$sr_impl" = c ]; then
		set -- "$top/build/skiff" run "$@"
	else
		set -- sh "$top/tools/skiff.sh" run "$@"
	fi
	SKIFF_CACHE_DIR=$tmp/same-cache-$sr_impl FAKE_QEMU_LOG=$tmp/qemu.args FAKE_QEMU_IMAGE=$tmp/image \
		SKIFF_QEMU=$FAKE_QEMU "$@" </dev/null >"$tmp/same.out" 2>"$tmp/same.err"
	echo "$?" >"$tmp/same.$sr_impl.st"
	norm='s|same-cache-[a-z]*|CACHE|g; s|[^ ,=]*/skiff\.[A-Za-z0-9]\{6\}|WORK|g; s|[0-9a-f]\{32\}\.cpio|KEY.cpio|g; s|walltime=[0-9.]*|walltime=T|g'
	grep -v '^skiff: running: ' "$tmp/same.err" | sed "$norm" >"$tmp/same.$sr_impl.err"
	sed "$norm" "$tmp/qemu.args" >"$tmp/same.$sr_impl.args" 2>/dev/null || : >"$tmp/same.$sr_impl.args"
	: >"$tmp/same.$sr_impl.list"
	: >"$tmp/same.$sr_impl.skiff"
	if [ -s "$tmp/image" ]; then
		cpio -it --quiet <"$tmp/image" | LC_ALL=C sort >"$tmp/same.$sr_impl.list"
		rm -rf "$tmp/same-x" && mkdir "$tmp/same-x" &&
			(cd "$tmp/same-x" && cpio -idm --quiet '.skiff/*' 2>/dev/null) <"$tmp/image" &&
			for f in argv env cwd mounts; do
				printf '%s:' "$f"
				od -An -c "$tmp/same-x/.skiff/$f" 2>/dev/null
				echo
			done >"$tmp/same.$sr_impl.skiff"
	fi
}

# same ARGS...: the two implementations agree on `skiff run ARGS`.
same() {
	same_run c "$@"
	same_run sh "$@"
	for what in st err args list skiff; do
		if ! cmp -s "$tmp/same.c.$what" "$tmp/same.sh.$what"; then
			fail "skiff run $*: the C and shell implementations differ in $what"
			diff "$tmp/same.sh.$what" "$tmp/same.c.$what" | head -20 | tap_diag
			return 1
		fi
	done
}

c_same_as_shell() {
	name="build/skiff and tools/skiff.sh agree: status, messages, QEMU's command line and the initrd, for runs and option errors"
	k=$top/build/skiff.elf
	cd "$top" || return
	mkdir -p "$tmp/sv/a,b" "$tmp/sd/sub" "$tmp/slr/bin" && echo data >"$tmp/sd/sub/f" && echo x >"$tmp/sfile" || return
	ln -sf f "$tmp/sd/sub/link"
	# #! scripts whose interpreters are no runtime with library directories: the C path's too
	printf '#!/bin/sh\necho "sh $*"\n' >"$tmp/s.sh"
	printf '#!/usr/bin/env -S -u X sh -e\necho env\n' >"$tmp/s-env"
	printf '#!/usr/bin/env skiff-no-such-interpreter\n' >"$tmp/s-env-missing"
	printf '#! \t/nonexistent/interp  -x  \n' >"$tmp/s-missing"
	printf '#!interp\n' >"$tmp/s-rel"
	printf '#!%s arg\n' "$tmp/s.sh" >"$tmp/s-chain"
	printf '#!/usr/bin/env lua5.4\nprint(1)\n' >"$tmp/s.lua"
	printf '#!/usr/bin/python3 -u\nprint(1)\n' >"$tmp/s.py"
	chmod 755 "$tmp/s.sh" "$tmp/s-env" "$tmp/s-env-missing" "$tmp/s-missing" "$tmp/s-rel" "$tmp/s-chain" "$tmp/s.lua" \
		"$tmp/s.py"
	SKIFF_NO_FALLBACK= # both run whole here
	for args in \
		"--kernel $k /bin/true" \
		"--kernel $k --mem 256M --timeout 30 --stop-timeout 3 --env A=b --env PATH=/bin --workdir /tmp build/progs/hello x" \
		"--kernel=$k --machine pc --net --port 8080:80 --port 0.0.0.0:2222:22 --allow-host -v $tmp/sv/a,b:/data/./x/:ro --volume=$tmp/sd:/d --kernel-arg hostname=h --user 33:33 /bin/true" \
		"--kernel $k --machine q35 --firmware seabios --strace --verbose --accel auto ls -l" \
		"--kernel $k --cpus 2 /bin/true" "--kernel $k --machine pc --cpus=16 --verbose /bin/true" \
		"--cpus 0 /bin/true" "--cpus 17 /bin/true" "--cpus x /bin/true" "--cpus" \
		"--kernel $k --verbose --add $tmp/sfile --add $tmp/sd:/opt/d/ --add /usr/bin/env --no-cache /bin/busybox" \
		"--kernel $k --rootfs $tmp/slr:rw -v $tmp/sv:/v --env PATH=/bin:/sbin /bin/prog a" \
		"--kernel $k --mem 4M /bin/true" \
		"--kernel $k $tmp/s.sh a" "--kernel $k $tmp/s-env" "--kernel $k $tmp/s-env-missing" "--kernel $k $tmp/s-missing" \
		"--kernel $k $tmp/s-rel" "--kernel $k $tmp/s-chain" "--kernel $k --add $tmp/s-chain --add $tmp/s-env /bin/true" \
		"--kernel $k --verbose python3 -c pass" "--kernel $k --no-runtime-libs /usr/bin/python3" \
		"--kernel $k perl -e 1" "--kernel $k $tmp/s.lua" "--kernel $k --add $tmp/s.py /bin/true" \
		"--kernel $k $tmp/nonexistent" "--kernel $k $tmp" "--kernel $k skiff-no-such-command" \
		"--kernel $k --add $tmp/nonexistent /bin/true" "--kernel $k --add $tmp/sfile:/a/../b /bin/true" \
		"--kernel $k --rootfs $tmp/nonexistent /bin/true" "--kernel $k --rootfs $tmp/slr --add $tmp/sfile /bin/true" \
		"--kernel $tmp/nonexistent /bin/true" "--kernel $k --firmware qboot --machine pc /bin/true" \
		"--mem x /bin/true" "--mem M /bin/true" "--mem 1M /bin/true" "--mem 0M /bin/true" "--mem" \
		"--port 1:2:3:4 /bin/true" "--port 99999:1 /bin/true" "--port 1.2.3:1:2 /bin/true" "--port 80 /bin/true" \
		"--port 080:1 /bin/true" "-v $tmp/sv /bin/true" "-v $tmp/sv:rel /bin/true" "-v $tmp/sv:/ /bin/true" \
		"-v $tmp/sv:/.skiff/x /bin/true" "-v $tmp/sfile:/x /bin/true" "-v $tmp/sv:/x -v $tmp/sd:/x/ /bin/true" \
		"-v $tmp/sv:/a/../b /bin/true" "-v a:b: /bin/true" \
		"--env noeq /bin/true" "--env =x /bin/true" "--user a:b:c /bin/true" "--user :x /bin/true" \
		"--kernel-arg a;b /bin/true" "--firmware bios /bin/true" "--machine virt /bin/true" \
		"--accel hvf /bin/true" "--timeout 1. /bin/true" "--timeout x /bin/true" "--stop-timeout .5 /bin/true" \
		"--workdir rel /bin/true" "--bogus /bin/true" "--net=1 /bin/true" "-" "" "--" "--verbose"; do
		# shellcheck disable=SC2086 # the words of each command line
		same $args || return
	done
	SKIFF_MACHINE=arm same --kernel "$k" /bin/true || return
	SKIFF_CPUS=2 same --kernel "$k" /bin/true || return
	SKIFF_CPUS=4 same --kernel "$k" --cpus 1 /bin/true || return
	SKIFF_CPUS=0 same --kernel "$k" /bin/true || return
	SKIFF_CPUS=x same --kernel "$k" --cpus 2 /bin/true || return
	SKIFF_VOLUMES=0 same -v "$tmp/sv:/x" /bin/true || return
	for rt in ruby tclsh node; do # the other runtimes, when installed (CI installs them)
		command -v "$rt" >/dev/null || continue
		same --kernel "$k" "$rt" || return
	done
	# Where the shell implementation stops with dash's own error (0128: not an octal number; status 2), the
	# C one says what it expects.
	"$top/build/skiff" run --mem 0128M /bin/true 2>"$tmp/mem.err"
	[ $? -eq 125 ] && grep -qx "skiff: --mem: expected a size like 128M, got '0128M'" "$tmp/mem.err" ||
		{ fail "--mem 0128M: $(cat "$tmp/mem.err")"; return; }
	"$top/build/skiff" --help >"$tmp/help.c" && sh "$top/tools/skiff.sh" --help >"$tmp/help.sh" &&
		cmp -s "$tmp/help.c" "$tmp/help.sh" || { fail "--help differs"; return; }
	"$top/build/skiff" nosuchcommand 2>"$tmp/cmd.c"
	c=$?
	sh "$top/tools/skiff.sh" nosuchcommand 2>"$tmp/cmd.sh"
	[ "$c" -eq $? ] && cmp -s "$tmp/cmd.c" "$tmp/cmd.sh" || { fail "an unknown command: status or message differ"; return; }
	pass
}

c_shebang_sh() {
	name="a #!/bin/sh script and a #!/usr/bin/env sh one run on build/skiff's own path (no shell implementation)"
	printf '#!/bin/sh\necho "sh $*"\n' >"$tmp/s.sh" && printf '#!/usr/bin/env sh\necho "env $1"\n' >"$tmp/s2.sh" &&
		chmod 755 "$tmp/s.sh" "$tmp/s2.sh" || return
	sk "$tmp/s.sh" a b
	expect_status 0 || return
	[ "$(cat "$tmp/out")" = "sh a b" ] || { fail "out: $(cat "$tmp/out")"; return; }
	sk "$tmp/s2.sh" c
	expect_status 0 || return
	[ "$(cat "$tmp/out")" = "env c" ] || { fail "out: $(cat "$tmp/out")"; return; }
	pass
}
