# test/apps/progs/ptyspawn.py: Python's pty module on skiff's pseudo-terminals (test/apps a_pty_python):
# os.openpty (the slave's line discipline: a line read back, its echo with \r\n, the window size), pty.fork
# (the child's stdio is the slave, its own session's controlling terminal and foreground group; the parent
# reads until EIO) and pty.spawn, whose output must be what the same script prints on Linux.
import os, pty, sys, termios, fcntl, struct
m, s = os.openpty()
print("openpty", os.isatty(m), os.isatty(s), os.ttyname(s).startswith("/dev/pts/"))
os.write(m, b"line one\n")
print("slave read", os.read(s, 100))
print("echo", os.read(m, 100))
fcntl.ioctl(m, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 90, 0, 0))
print("winsize", struct.unpack("HHHH", fcntl.ioctl(s, termios.TIOCGWINSZ, b"\0" * 8))[:2])
os.close(s)
os.close(m)
pid, fd = pty.fork()
if pid == 0:
    print("child", os.isatty(0), os.ttyname(0).startswith("/dev/pts/"), os.getsid(0) == os.getpid(), os.tcgetpgrp(0) == os.getpgrp())
    sys.stdout.flush()
    os._exit(3)
out = b""
while True:
    try:
        b = os.read(fd, 100)
    except OSError:
        break
    if not b:
        break
    out += b
print("pty.fork child wrote", out)
print("child status", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
sys.stdout.flush()
pty.spawn([sys.executable, "-c", "import os; print('spawned', os.isatty(1))"])
