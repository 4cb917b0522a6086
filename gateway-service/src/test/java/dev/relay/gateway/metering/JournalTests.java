package dev.relay.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local usage journal on its own: what goes in comes out, in order, across restarts, crashes and caps. */
class JournalTests {

    private static final long SEGMENT = 16 * 1024 * 1024;
    private static final long CAP = 1024L * 1024 * 1024;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<UsageJournal> opened = new ArrayList<>();

    @AfterEach
    void closeJournals() {
        opened.forEach(UsageJournal::close);
    }

    @Test
    void readsAppendedLinesBackInTheOrderTheyWereAppended() throws Exception {
        UsageJournal journal = open(SEGMENT, CAP, 1000);
        List<String> lines = lines(0, 100);
        lines.forEach(journal::append);
        sync(journal);

        assertThat(lineTexts(journal.read(1000))).containsExactlyElementsOf(lines);
        assertThat(journal.pendingEvents()).isEqualTo(100);
        assertThat(events("journaled")).isEqualTo(100);
        assertThat(events("dropped")).isZero();
    }

    @Test
    void advancesOnlyPastTheAcknowledgedPrefixOfABatch() throws Exception {
        UsageJournal journal = open(SEGMENT, CAP, 1000);
        lines(0, 10).forEach(journal::append);
        sync(journal);

        UsageJournal.Batch first = journal.read(6);
        assertThat(first.size()).isEqualTo(6);
        journal.acknowledge(first, 4);

        assertThat(journal.pendingEvents()).isEqualTo(6);
        assertThat(lineTexts(journal.read(100))).containsExactlyElementsOf(lines(4, 10));
    }

    @Test
    void replaysFromTheLastAcknowledgementAfterARestart() throws Exception {
        UsageJournal before = open(SEGMENT, CAP, 1000);
        lines(0, 50).forEach(before::append);
        sync(before);
        UsageJournal.Batch batch = before.read(20);
        before.acknowledge(batch, 20);
        close(before);

        UsageJournal after = open(SEGMENT, CAP, 1000);
        assertThat(after.pendingEvents()).isEqualTo(30);
        lines(50, 60).forEach(after::append);
        sync(after);

        assertThat(readAll(after)).containsExactlyElementsOf(lines(20, 60));
        assertThat(after.pendingEvents()).isZero();
    }

    @Test
    void ignoresALastLineThatACrashCutShort() throws Exception {
        UsageJournal before = open(SEGMENT, CAP, 1000);
        lines(0, 5).forEach(before::append);
        sync(before);
        close(before);
        Path segment = segmentFiles().getLast();
        Files.writeString(segment, "{\"id\":\"half a li", StandardOpenOption.APPEND);

        UsageJournal after = open(SEGMENT, CAP, 1000);
        assertThat(after.pendingEvents()).isEqualTo(5);
        assertThat(registry.get(UsageMetrics.SKIPPED)
                        .tag("reason", "torn")
                        .counter()
                        .count())
                .isEqualTo(1);
        after.append("after-restart");
        sync(after);

        List<String> expected = new ArrayList<>(lines(0, 5));
        expected.add("after-restart");
        assertThat(readAll(after)).containsExactlyElementsOf(expected);
        await().atMost(Duration.ofSeconds(5)).until(() -> segmentFiles().isEmpty());
    }

    @Test
    void rotatesSegmentsAndDeletesEachOnceItIsAcknowledged() throws Exception {
        UsageJournal journal = open(1024, CAP, 1000);
        lines(0, 100).forEach(journal::append); // 100 lines of 23 bytes: three segments
        sync(journal);
        assertThat(segmentFiles()).hasSizeGreaterThanOrEqualTo(3);

        List<String> replayed = new ArrayList<>();
        int segmentsBefore = segmentFiles().size();
        UsageJournal.Batch batch = journal.read(1000);
        replayed.addAll(lineTexts(batch));
        journal.acknowledge(batch, batch.size());
        assertThat(segmentFiles()).hasSize(segmentsBefore - 1); // the first, sealed and acknowledged, is gone
        replayed.addAll(readAll(journal));

        assertThat(replayed).containsExactlyElementsOf(lines(0, 100));
        // the active segment goes too, once the writer sees it wholly acknowledged
        await().atMost(Duration.ofSeconds(5)).until(() -> segmentFiles().isEmpty());
        assertThat(journal.bytesOnDisk()).isZero();
    }

    @Test
    void keepsReadingAfterTheWriterDeletedAFullyAcknowledgedSegment() throws Exception {
        UsageJournal journal = open(SEGMENT, CAP, 1000);
        lines(0, 10).forEach(journal::append);
        sync(journal);
        readAll(journal);
        await().atMost(Duration.ofSeconds(5)).until(() -> segmentFiles().isEmpty());

        lines(10, 15).forEach(journal::append);
        sync(journal);
        close(journal);

        UsageJournal after = open(SEGMENT, CAP, 1000);
        assertThat(readAll(after)).containsExactlyElementsOf(lines(10, 15));
    }

    @Test
    void dropsAndCountsEventsWhileTheJournalIsAtItsSizeCap() throws Exception {
        UsageJournal journal = open(1024, 2048, 1000);
        lines(0, 200).forEach(journal::append);
        sync(journal);

        long journaled = (long) events("journaled");
        assertThat(journaled).isBetween(80L, 90L); // 2048 / 23 bytes a line
        assertThat(events("dropped")).isEqualTo(200 - journaled);
        assertThat(journal.bytesOnDisk()).isLessThanOrEqualTo(2048);

        List<String> replayed = readAll(journal);
        assertThat(replayed).containsExactlyElementsOf(lines(0, (int) journaled));
        await().atMost(Duration.ofSeconds(5)).until(() -> journal.bytesOnDisk() == 0);
        journal.append("room-again");
        sync(journal);
        assertThat(readAll(journal)).containsExactly("room-again");
    }

    @Test
    void countsEveryLineEitherJournaledOrDroppedWhenTheQueueOverflows() throws Exception {
        UsageJournal journal = open(SEGMENT, CAP, 4);
        int accepted = 0;
        for (String line : lines(0, 20_000)) {
            accepted += journal.append(line) ? 1 : 0;
        }
        sync(journal);

        assertThat(events("journaled") + events("dropped")).isEqualTo(20_000);
        assertThat(events("journaled")).isEqualTo(accepted);
        assertThat(journal.pendingEvents()).isEqualTo(accepted);
    }

    @Test
    void refusesADirectoryThatAnotherJournalHolds() throws Exception {
        open(SEGMENT, CAP, 1000);

        assertThatThrownBy(() -> open(SEGMENT, CAP, 1000)).isInstanceOf(UsageJournal.JournalInUseException.class);
    }

    @Test
    void leavesNoSegmentsBehindWhenClosedWithNothingPending() throws Exception {
        UsageJournal journal = open(SEGMENT, CAP, 1000);
        lines(0, 3).forEach(journal::append);
        sync(journal);
        readAll(journal);
        close(journal);

        assertThat(segmentFiles()).isEmpty();
        assertThat(dir.resolve(UsageJournal.CHECKPOINT)).doesNotExist();
    }

    @Test
    void keepsLinesWithMultiByteCharactersIntact() throws Exception {
        UsageJournal journal = open(SEGMENT, CAP, 1000);
        journal.append("{\"model\":\"通义千问-max\",\"emoji\":\"🚀\"}");
        sync(journal);

        assertThat(readAll(journal)).containsExactly("{\"model\":\"通义千问-max\",\"emoji\":\"🚀\"}");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private UsageJournal open(long segmentBytes, long maxBytes, int queueCapacity) throws IOException {
        UsageJournal journal = UsageJournal.open(
                new UsageJournal.Settings(dir, segmentBytes, maxBytes, queueCapacity, Duration.ofMillis(20), false),
                new UsageMetrics(registry));
        opened.add(journal);
        return journal;
    }

    private void close(UsageJournal journal) {
        journal.close();
        opened.remove(journal);
    }

    private static void sync(UsageJournal journal) throws Exception {
        journal.sync().get(10, TimeUnit.SECONDS);
    }

    /** Reads and acknowledges everything there is. */
    private static List<String> readAll(UsageJournal journal) throws IOException {
        List<String> all = new ArrayList<>();
        for (UsageJournal.Batch b = journal.read(7); !b.isEmpty(); b = journal.read(7)) {
            all.addAll(lineTexts(b));
            journal.acknowledge(b, b.size());
        }
        return all;
    }

    private static List<String> lineTexts(UsageJournal.Batch batch) {
        return batch.entries().stream().map(UsageJournal.Entry::line).toList();
    }

    /** {@code count} distinct lines of 22 characters (23 bytes with the newline). */
    private static List<String> lines(int from, int to) {
        return IntStream.range(from, to)
                .mapToObj(i -> String.format("{\"n\":%6d,\"pad\":\"x\"}", i))
                .toList();
    }

    private List<Path> segmentFiles() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .sorted()
                    .toList();
        }
    }

    private double events(String result) {
        return registry.get(UsageMetrics.EVENTS).tag("result", result).counter().count();
    }
}
