// test/apps/progs/LockThreads.java: FileChannel.lock() (fcntl F_SETLKW underneath), a second JVM that finds the file
// locked by this process and free after release, and 4 threads writing into the locked file (issue 11).
import java.io.*;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.nio.file.*;
import java.util.concurrent.atomic.AtomicLong;

public class LockThreads {
	// child FILE: try the lock from another process; the answer goes to stdout and the exit status.
	static int child(Path p) throws IOException {
		try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
			FileLock l = ch.tryLock();
			System.out.println(l == null ? "child: held by another process" : "child: got it");
			return l == null ? 3 : 0;
		}
	}

	static String runChild(Path p) throws Exception {
		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
		Process c = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "LockThreads", "child",
			p.toString()).redirectErrorStream(true).start();
		String out = new String(c.getInputStream().readAllBytes()).trim();
		return out + " (status " + c.waitFor() + ")";
	}

	public static void main(String[] a) throws Exception {
		if (a.length == 2 && a[0].equals("child"))
			System.exit(child(Paths.get(a[1])));
		Path p = Paths.get(a[0]);
		try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ,
			StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
			FileLock l = ch.lock();
			System.out.println("locked valid=" + l.isValid() + " shared=" + l.isShared());
			// kept open: closing any descriptor of the file would drop this process's fcntl locks (POSIX)
			FileChannel again = FileChannel.open(p, StandardOpenOption.WRITE);
			try {
				again.tryLock();
				System.out.println("second lock in the same JVM: granted");
			} catch (OverlappingFileLockException e) {
				System.out.println("second lock in the same JVM: OverlappingFileLockException");
			}
			System.out.println("while locked: " + runChild(p));
			AtomicLong sum = new AtomicLong();
			Thread[] t = new Thread[4];
			for (int i = 0; i < 4; i++) {
				final int k = i;
				t[i] = new Thread(() -> {
					ByteBuffer b = ByteBuffer.allocate(1000);
					for (int j = 0; j < 1000; j++)
						b.put((byte) ('a' + k));
					for (int j = 0; j < 100000; j++)
						sum.addAndGet(k);
					try {
						ch.write(b.flip(), 1000L * k);
					} catch (IOException e) {
						throw new UncheckedIOException(e);
					}
				});
				t[i].start();
			}
			for (Thread x : t)
				x.join();
			System.out.println("threads: sum " + sum.get() + ", file size " + ch.size());
			ByteBuffer r = ByteBuffer.allocate(4000);
			ch.read(r, 0);
			r.flip();
			int[] n = new int[4];
			while (r.hasRemaining())
				n[r.get() - 'a']++;
			System.out.println("bytes per thread: " + n[0] + " " + n[1] + " " + n[2] + " " + n[3]);
			l.release();
			System.out.println("released valid=" + l.isValid());
			System.out.println("after release: " + runChild(p));
			again.close();
		}
	}
}
