# test/apps/progs/ptyjobs.py: job control on a pseudo-terminal (test/apps a_pty_jobs): an interactive bash on
# pty.fork's slave; sleep 100, ^Z (Stopped), jobs, fg, ^C (status 130), exit 7. Prints which steps were seen
# and bash's status, as natively.
import os, pty, signal, sys, time, select
def expect(fd, pat, t=10):
    buf = b""
    end = time.time() + t
    while pat not in buf and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                b = os.read(fd, 1000)
            except OSError:
                break
            if not b:
                break
            buf += b
    return pat in buf
pid, fd = pty.fork()
if pid == 0:
    # SIGINT back to its default: a test run started in the background by a shell without job control (make
    # test under `... &`) inherits it ignored, and so would bash's jobs: natively ^C then ended nothing
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)
    os.execve("/bin/bash", ["bash", "--norc", "--noprofile", "-i"], {"PS1": "$ ", "PATH": "/bin:/usr/bin", "TERM": "dumb"})
res = []
res.append(expect(fd, b"$ "))
os.write(fd, b"sleep 100\n"); time.sleep(1)
os.write(fd, b"\x1a"); res.append(expect(fd, b"Stopped"))
os.write(fd, b"jobs\n"); res.append(expect(fd, b"sleep 100"))
# fg prints the job's command as it resumes it: wait for that, then a second, before the ^C
os.write(fd, b"fg\n"); expect(fd, b"sleep 100"); time.sleep(1)
os.write(fd, b"\x03"); res.append(expect(fd, b"$ "))
os.write(fd, b"echo st=$?\n"); res.append(expect(fd, b"st=130"))
os.write(fd, b"exit 7\n")
_, st = os.waitpid(pid, 0)
print(res, os.waitstatus_to_exitcode(st))
