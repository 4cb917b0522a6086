package dev.relay.gateway.metering;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local append-only journal of usage events that could not go to Kafka: one line per event (the envelope JSON exactly
 * as it would be sent), in segment files {@code usage-<index>.jsonl} of at most {@link Settings#segmentBytes()}.
 *
 * <p><b>Writing.</b> {@link #append} never blocks and never does I/O: it puts the line on a bounded lock-free queue
 * (full: dropped and counted). One writer thread drains the queue, writes whole lines with one {@code write} per
 * batch (so they are in the page cache, safe from a process crash, at once) and forces them to disk at least every
 * {@link Settings#flushInterval()} (a power loss loses at most that much). Above {@link Settings#maxBytes()} on disk new
 * lines are dropped and counted.
 *
 * <p><b>Reading.</b> A single consumer (the replayer) {@link #read}s from the acknowledged position and
 * {@link #acknowledge}s the prefix Kafka took; the position is kept in the file {@code checkpoint} (written to a
 * temporary file, forced, atomically renamed). A segment is deleted once it is sealed and acknowledged to its end; the
 * writer deletes its active segment once that is wholly acknowledged and nothing new arrived.
 *
 * <p><b>Restart.</b> Opening an existing directory takes an exclusive file lock, seals every segment, counts the
 * lines after the checkpoint and ignores a last line that a crash cut short (no trailing newline; counted as skipped
 * {@code torn}). New lines always go to a fresh segment.
 */
public final class UsageJournal implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UsageJournal.class);
    private static final Pattern SEGMENT = Pattern.compile("usage-(\\d{20})\\.jsonl");
    static final String CHECKPOINT = "checkpoint";
    static final String LOCK = "journal.lock";
    private static final int WRITE_CHUNK = 256 * 1024;
    private static final int READ_CHUNK = 1024 * 1024;
    private static final long WARN_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    /**
     * @param directory where segments and the checkpoint live (created if missing; one journal per directory)
     * @param segmentBytes a segment is sealed before it would grow past this
     * @param maxBytes new lines are dropped while the journal holds this many bytes on disk
     * @param queueCapacity lines waiting for the writer thread, at most
     * @param flushInterval written lines are forced to disk at least this often
     * @param removeDirectoryWhenDrained a clean close with nothing pending removes the directory itself (for a
     *     per-process directory that no later start would look at)
     */
    public record Settings(
            Path directory,
            long segmentBytes,
            long maxBytes,
            int queueCapacity,
            Duration flushInterval,
            boolean removeDirectoryWhenDrained) {
        public Settings {
            if (segmentBytes < 1 || maxBytes < segmentBytes || queueCapacity < 1 || flushInterval.isNegative()) {
                throw new IllegalArgumentException("bad journal settings: " + segmentBytes + ", " + maxBytes + ", "
                        + queueCapacity + ", " + flushInterval);
            }
        }
    }

    /** A place in the journal: everything before {@code offset} of segment {@code segment} and of earlier ones. */
    public record Position(long segment, long offset) {
        boolean isAfter(Position other) {
            return segment > other.segment || (segment == other.segment && offset > other.offset);
        }
    }

    /** One journaled line (without its newline) and the position just after it. */
    public record Entry(String line, Position end) {}

    /** Lines read from the acknowledged position, in journal order. */
    public record Batch(List<Entry> entries) {
        static final Batch EMPTY = new Batch(List.of());

        public boolean isEmpty() {
            return entries.isEmpty();
        }

        public int size() {
            return entries.size();
        }
    }

    private static final class Segment {
        final long index;
        final Path path;
        /** Bytes of complete lines, readable by the replayer; written by the writer thread only. */
        volatile long size;
        /** Bytes on disk (more than {@code size} when a crash left a torn line). Guarded by the journal lock. */
        long fileBytes;
        /** No more lines will be added. Guarded by the journal lock. */
        boolean sealed;

        Segment(long index, Path path, long size, long fileBytes, boolean sealed) {
            this.index = index;
            this.path = path;
            this.size = size;
            this.fileBytes = fileBytes;
            this.sealed = sealed;
        }
    }

    /** Directories held by a journal of this JVM (a second channel on the lock file could release the OS lock). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Settings settings;
    private final UsageMetrics metrics;
    private final Path held;
    private final FileChannel lockChannel;
    private final FileLock fileLock;

    // Shared by the writer and the reader: guarded by `lock`.
    private final Object lock = new Object();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private Position acknowledged;

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong diskBytes = new AtomicLong();

    // The hot path's side: a bounded MPSC queue of lines (String) and sync barriers (CompletableFuture).
    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong lastQueueWarn = new AtomicLong(System.nanoTime() - WARN_EVERY_NANOS);
    private volatile boolean writerParked;
    private volatile boolean closed;
    private final Thread writer;

    // Writer thread only.
    private Segment active;
    private FileChannel activeChannel;
    private long nextIndex;
    private byte[] buffer = new byte[WRITE_CHUNK];
    private int buffered;
    private int bufferedLines;
    private boolean dirty;
    private long lastForce = System.nanoTime();
    private long lastFullWarn = System.nanoTime() - WARN_EVERY_NANOS;

    private UsageJournal(Settings settings, UsageMetrics metrics) throws IOException {
        this.settings = settings;
        this.metrics = metrics;
        Path dir = settings.directory();
        Files.createDirectories(dir);
        this.held = dir.toRealPath();
        if (!HELD.add(held)) {
            throw new JournalInUseException(dir);
        }
        FileLock l = null;
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            l = ch.tryLock();
        } catch (IOException | OverlappingFileLockException ex) {
            log.warn("usage journal {}: cannot lock {}", dir, LOCK, ex);
        } finally {
            if (l == null) {
                closeQuietly(ch);
                HELD.remove(held);
            }
        }
        if (l == null) {
            throw new JournalInUseException(dir);
        }
        this.lockChannel = ch;
        this.fileLock = l;
        try {
            recover();
        } catch (IOException | RuntimeException ex) {
            releaseLock();
            throw ex;
        }
        this.writer = Thread.ofPlatform()
                .name("relay-usage-journal-writer")
                .daemon(true)
                .unstarted(this::runWriter);
        writer.start();
    }

    /** Opens (recovering what is there) or creates the journal in {@code settings.directory()}. */
    public static UsageJournal open(Settings settings, UsageMetrics metrics) throws IOException {
        return new UsageJournal(settings, metrics);
    }

    /** Thrown when another journal (this process or another) holds the directory. */
    public static final class JournalInUseException extends IllegalStateException {
        JournalInUseException(Path dir) {
            super("usage journal " + dir + " is in use by another gateway instance;"
                    + " give each instance its own relay.gateway.metering.journal-dir");
        }
    }

    // ------------------------------------------------------------------------------------------------ recovery

    private void recover() throws IOException {
        Path dir = settings.directory();
        Files.deleteIfExists(dir.resolve(CHECKPOINT + ".tmp"));
        Position checkpoint = readCheckpoint();
        long maxIndex = checkpoint.segment();
        List<Long> indexes = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "usage-*.jsonl")) {
            for (Path f : files) {
                Matcher m = SEGMENT.matcher(f.getFileName().toString());
                if (m.matches()) {
                    indexes.add(Long.parseLong(m.group(1)));
                }
            }
        }
        indexes.sort(null);
        long torn = 0;
        for (long index : indexes) {
            Path path = segmentPath(index);
            maxIndex = Math.max(maxIndex, index);
            if (index < checkpoint.segment()) {
                Files.deleteIfExists(path); // acknowledged; the crash came between checkpoint and delete
                continue;
            }
            long fileBytes = Files.size(path);
            long start = index == checkpoint.segment() ? Math.min(checkpoint.offset(), fileBytes) : 0;
            long[] scan = scanLines(path, start, fileBytes);
            long lines = scan[0];
            long size = scan[1];
            if (fileBytes > size) {
                torn++;
                log.warn(
                        "usage journal {}: ignoring {} bytes after the last complete line (cut short by a crash)",
                        path,
                        fileBytes - size);
            }
            pending.addAndGet(lines);
            segments.put(index, new Segment(index, path, size, fileBytes, true));
            diskBytes.addAndGet(fileBytes);
        }
        if (torn > 0) {
            metrics.skipped("torn", torn);
        }
        acknowledged = checkpoint;
        nextIndex = maxIndex + 1;
        synchronized (lock) {
            skipExhausted();
        }
        if (pending.get() > 0) {
            log.info(
                    "usage journal {}: {} events from an earlier run wait for replay ({} bytes)",
                    dir,
                    pending.get(),
                    diskBytes.get());
        }
    }

    /** {lines, end of the last complete line} of {@code path} from {@code start}. */
    private static long[] scanLines(Path path, long start, long end) throws IOException {
        long lines = 0;
        long lastEnd = start;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK);
            long pos = start;
            while (pos < end) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    break;
                }
                byte[] a = buf.array();
                for (int i = 0; i < n; i++) {
                    if (a[i] == '\n') {
                        lines++;
                        lastEnd = pos + i + 1;
                    }
                }
                pos += n;
            }
        }
        return new long[] {lines, lastEnd};
    }

    private Position readCheckpoint() throws IOException {
        Path f = settings.directory().resolve(CHECKPOINT);
        if (!Files.exists(f)) {
            return new Position(0, 0);
        }
        String s = Files.readString(f, StandardCharsets.US_ASCII).trim();
        String[] parts = s.split(" ");
        try {
            return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException ex) {
            // Never happens with the atomic rename; if it does, replay everything there is (duplicates, not loss).
            log.warn("usage journal: unreadable checkpoint '{}', replaying from the oldest segment", s);
            return new Position(0, 0);
        }
    }

    private void writeCheckpoint(Position p) throws IOException {
        Path tmp = settings.directory().resolve(CHECKPOINT + ".tmp");
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((p.segment() + " " + p.offset() + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        Files.move(
                tmp,
                settings.directory().resolve(CHECKPOINT),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    private Path segmentPath(long index) {
        return settings.directory().resolve(String.format("usage-%020d.jsonl", index));
    }

    // --------------------------------------------------------------------------------------------- the hot path

    /**
     * Queues one line (must not contain a newline) for the writer. Never blocks, never does I/O.
     *
     * @return false when the line was dropped (queue full or journal closed), which is counted
     */
    public boolean append(String line) {
        if (closed) {
            metrics.dropped(1);
            return false;
        }
        if (queued.incrementAndGet() > settings.queueCapacity()) {
            queued.decrementAndGet();
            metrics.dropped(1);
            long now = System.nanoTime();
            long last = lastQueueWarn.get();
            if (now - last >= WARN_EVERY_NANOS && lastQueueWarn.compareAndSet(last, now)) {
                log.warn("usage journal queue full ({} events): dropping usage events", settings.queueCapacity());
            }
            return false;
        }
        queue.offer(line);
        if (writerParked) {
            LockSupport.unpark(writer);
        }
        return true;
    }

    /** Completes once every line appended before this call is written and forced to disk (or dropped). */
    public CompletableFuture<Void> sync() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed && !writer.isAlive()) {
            done.complete(null);
            return done;
        }
        queue.offer(done);
        LockSupport.unpark(writer);
        return done;
    }

    /** Events journaled and not yet acknowledged. */
    public long pendingEvents() {
        return pending.get();
    }

    /** Bytes of segment files on disk. */
    public long bytesOnDisk() {
        return diskBytes.get();
    }

    public Path directory() {
        return settings.directory();
    }

    // --------------------------------------------------------------------------------------------- the writer

    private void runWriter() {
        long flushNanos = Math.max(1, settings.flushInterval().toNanos());
        while (true) {
            try {
                Object item = queue.poll();
                if (item == null) {
                    writeBuffered();
                    if (closed) {
                        if (queue.isEmpty()) {
                            break;
                        }
                        continue;
                    }
                    maybeForce(flushNanos);
                    deleteActiveIfAcknowledged();
                    writerParked = true;
                    if (queue.isEmpty() && !closed) {
                        LockSupport.parkNanos(this, dirty ? flushNanos : Math.max(flushNanos, 1_000_000_000L));
                    }
                    writerParked = false;
                    continue;
                }
                handle(item);
                if (buffered >= WRITE_CHUNK) {
                    writeBuffered();
                    maybeForce(flushNanos);
                }
            } catch (Throwable t) {
                log.error("usage journal writer: unexpected failure, continuing", t);
            }
        }
        finishWriting();
    }

    private void handle(Object item) {
        if (item instanceof CompletableFuture<?> barrier) {
            writeBuffered();
            force();
            barrier.complete(null);
            return;
        }
        queued.decrementAndGet();
        byte[] line = ((String) item).getBytes(StandardCharsets.UTF_8);
        int len = line.length + 1;
        if (diskBytes.get() + buffered + len > settings.maxBytes()) {
            metrics.dropped(1);
            long now = System.nanoTime();
            if (now - lastFullWarn >= WARN_EVERY_NANOS) {
                lastFullWarn = now;
                log.warn(
                        "usage journal {} is full ({} bytes, cap {}): dropping usage events",
                        settings.directory(),
                        diskBytes.get(),
                        settings.maxBytes());
            }
            return;
        }
        long inSegment = (active == null ? 0 : active.size) + buffered;
        if (inSegment > 0 && inSegment + len > settings.segmentBytes()) {
            writeBuffered();
            seal();
        }
        if (buffered + len > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, buffered + len));
        }
        System.arraycopy(line, 0, buffer, buffered, line.length);
        buffer[buffered + line.length] = '\n';
        buffered += len;
        bufferedLines++;
    }

    private void writeBuffered() {
        if (buffered == 0) {
            return;
        }
        int bytes = buffered;
        int lines = bufferedLines;
        buffered = 0;
        bufferedLines = 0;
        try {
            if (active == null) {
                openSegment();
            }
            ByteBuffer bb = ByteBuffer.wrap(buffer, 0, bytes);
            while (bb.hasRemaining()) {
                activeChannel.write(bb);
            }
            dirty = true;
            pending.addAndGet(lines); // before the reader can see the lines, so pending never goes below zero
            diskBytes.addAndGet(bytes);
            synchronized (lock) {
                active.fileBytes += bytes;
                active.size += bytes;
            }
            metrics.journaled(lines);
        } catch (IOException | RuntimeException ex) {
            metrics.dropped(lines);
            log.error("usage journal {}: cannot write {} events, dropped", settings.directory(), lines, ex);
            abandonActive();
        }
    }

    private void openSegment() throws IOException {
        long index = nextIndex++;
        Path path = segmentPath(index);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        forceDirectory();
        Segment s = new Segment(index, path, 0, 0, false);
        synchronized (lock) {
            segments.put(index, s);
        }
        active = s;
        activeChannel = ch;
    }

    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(settings.directory(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ex) {
            log.debug("usage journal: cannot force directory {}", settings.directory(), ex);
        }
    }

    private void maybeForce(long flushNanos) {
        if (dirty && System.nanoTime() - lastForce >= flushNanos) {
            force();
        }
    }

    private void force() {
        if (dirty && activeChannel != null) {
            try {
                activeChannel.force(false);
            } catch (IOException ex) {
                log.error("usage journal {}: fsync failed", settings.directory(), ex);
            }
        }
        dirty = false;
        lastForce = System.nanoTime();
    }

    /** Closes the active segment for good; the next line opens a new one. */
    private void seal() {
        if (active == null) {
            return;
        }
        force();
        closeQuietly(activeChannel);
        synchronized (lock) {
            active.sealed = true;
            skipExhausted();
        }
        active = null;
        activeChannel = null;
    }

    private void abandonActive() {
        if (active == null) {
            return;
        }
        closeQuietly(activeChannel);
        synchronized (lock) {
            active.sealed = true;
        }
        active = null;
        activeChannel = null;
        dirty = false;
    }

    /** Once the replayer acknowledged all of the active segment and nothing new came, the segment goes. */
    private void deleteActiveIfAcknowledged() {
        if (active == null || buffered > 0) {
            return;
        }
        synchronized (lock) {
            if (active.size > 0
                    && acknowledged.segment() == active.index
                    && acknowledged.offset() >= active.size
                    && active.fileBytes == active.size) {
                closeQuietly(activeChannel);
                active.sealed = true;
                delete(active);
                active = null;
                activeChannel = null;
                dirty = false;
            }
        }
    }

    private void finishWriting() {
        writeBuffered();
        force();
        // barriers that raced with close
        Object item;
        while ((item = queue.poll()) != null) {
            if (item instanceof CompletableFuture<?> barrier) {
                barrier.complete(null);
            } else {
                queued.decrementAndGet();
                metrics.dropped(1);
            }
        }
        if (activeChannel != null) {
            closeQuietly(activeChannel);
            synchronized (lock) {
                active.sealed = true;
            }
            active = null;
            activeChannel = null;
        }
    }

    // --------------------------------------------------------------------------------------------- the reader

    /**
     * Reads up to {@code maxEntries} lines from the acknowledged position (never past the end of one segment). Only the
     * single replayer may call this and {@link #acknowledge}.
     */
    public Batch read(int maxEntries) throws IOException {
        Segment segment;
        long from;
        long to;
        synchronized (lock) {
            skipExhausted();
            Map.Entry<Long, Segment> e = segments.ceilingEntry(acknowledged.segment());
            if (e == null) {
                return Batch.EMPTY;
            }
            segment = e.getValue();
            if (segment.index > acknowledged.segment()) {
                acknowledged = new Position(segment.index, 0); // no segment in between: same place
            }
            from = acknowledged.offset();
            to = segment.size;
        }
        if (from >= to) {
            return Batch.EMPTY;
        }
        List<Entry> entries = new ArrayList<>(Math.min(maxEntries, 1024));
        try (FileChannel ch = FileChannel.open(segment.path, StandardOpenOption.READ)) {
            int chunk = (int) Math.min(READ_CHUNK, to - from);
            long pos = from;
            while (entries.size() < maxEntries && pos < to) {
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(chunk, to - pos));
                while (buf.hasRemaining()) {
                    if (ch.read(buf, pos + buf.position()) < 0) {
                        break;
                    }
                }
                byte[] a = buf.array();
                int n = buf.position();
                int lineStart = 0;
                for (int i = 0; i < n && entries.size() < maxEntries; i++) {
                    if (a[i] == '\n') {
                        String line = new String(a, lineStart, i - lineStart, StandardCharsets.UTF_8);
                        entries.add(new Entry(line, new Position(segment.index, pos + i + 1)));
                        lineStart = i + 1;
                    }
                }
                if (lineStart == 0) {
                    if (chunk >= to - pos) {
                        break; // cannot happen: `size` ends on a newline
                    }
                    chunk = (int) Math.min((long) chunk * 2, to - pos); // a line longer than the chunk
                    continue;
                }
                pos += lineStart;
            }
        } catch (NoSuchFileException ex) {
            return Batch.EMPTY; // deleted under us: nothing left to read there
        }
        return new Batch(List.copyOf(entries));
    }

    /** Marks the first {@code count} entries of {@code batch} as delivered; persists the position. */
    public void acknowledge(Batch batch, int count) throws IOException {
        if (count <= 0) {
            return;
        }
        Position end = batch.entries().get(count - 1).end();
        synchronized (lock) {
            if (!end.isAfter(acknowledged)) {
                return;
            }
            writeCheckpoint(end);
            acknowledged = end;
            pending.addAndGet(-count);
            skipExhausted();
        }
    }

    /** Deletes sealed segments acknowledged to their end. Holds `lock`. */
    private void skipExhausted() {
        while (!segments.isEmpty()) {
            Segment first = segments.firstEntry().getValue();
            boolean exhausted = first.index < acknowledged.segment()
                    || (first.index == acknowledged.segment() && acknowledged.offset() >= first.size);
            boolean passable = exhausted || (first.size == 0 && first.index > acknowledged.segment());
            if (!first.sealed || !passable) {
                return;
            }
            delete(first);
        }
    }

    /** Holds `lock`. */
    private void delete(Segment s) {
        try {
            Files.deleteIfExists(s.path);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot delete replayed usage journal segment " + s.path, ex);
        }
        segments.remove(s.index);
        diskBytes.addAndGet(-s.fileBytes);
        log.debug("usage journal: deleted replayed segment {}", s.path);
    }

    // --------------------------------------------------------------------------------------------- closing

    /**
     * Writes and forces what is queued, stops the writer and releases the directory. With nothing pending the segment
     * files and the checkpoint are removed (and the directory, see {@link Settings#removeDirectoryWhenDrained()}).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(writer);
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException ex) {
                interrupted = true;
            }
        }
        if (pending.get() == 0) {
            synchronized (lock) {
                for (Segment s : List.copyOf(segments.values())) {
                    delete(s);
                }
            }
            try {
                Files.deleteIfExists(settings.directory().resolve(CHECKPOINT));
            } catch (IOException ex) {
                log.debug("usage journal: cannot delete checkpoint", ex);
            }
        } else {
            log.info(
                    "usage journal {}: {} events left for replay by the next start",
                    settings.directory(),
                    pending.get());
        }
        releaseLock();
        if (pending.get() == 0 && settings.removeDirectoryWhenDrained()) {
            try {
                Files.deleteIfExists(settings.directory().resolve(LOCK));
                Files.deleteIfExists(settings.directory());
            } catch (IOException ex) {
                log.debug("usage journal: leaving directory {}", settings.directory(), ex);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void releaseLock() {
        try {
            fileLock.release();
        } catch (IOException ex) {
            log.debug("usage journal: cannot release lock", ex);
        }
        closeQuietly(lockChannel);
        HELD.remove(held);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException ex) {
            log.debug("usage journal: close failed", ex);
        }
    }
}
