package dev.relay.access.accounting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class PeriodTests {

    static final ZoneId UTC = ZoneId.of("UTC");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    static Instant at(String s) {
        return Instant.parse(s);
    }

    @Test
    void aDayRunsFromLocalMidnightToLocalMidnight() {
        assertThat(Period.DAY.windowAt(at("2026-03-10T13:45:00Z"), UTC))
                .isEqualTo(new Period.Window(at("2026-03-10T00:00:00Z"), at("2026-03-11T00:00:00Z")));
        // 01:30 UTC is already 09:30 in Shanghai (UTC+8): that day began at 16:00 UTC the evening before
        assertThat(Period.DAY.windowAt(at("2026-03-10T01:30:00Z"), SHANGHAI))
                .isEqualTo(new Period.Window(at("2026-03-09T16:00:00Z"), at("2026-03-10T16:00:00Z")));
    }

    @Test
    void aWeekStartsOnMonday() {
        // 2026-03-08 is a Sunday: its week began on Monday 2026-03-02
        assertThat(Period.WEEK.windowAt(at("2026-03-08T23:59:59Z"), UTC))
                .isEqualTo(new Period.Window(at("2026-03-02T00:00:00Z"), at("2026-03-09T00:00:00Z")));
        assertThat(Period.WEEK.windowAt(at("2026-03-09T00:00:00Z"), UTC).start())
                .isEqualTo(at("2026-03-09T00:00:00Z"));
    }

    @Test
    void aMonthRunsFromTheFirstToTheFirstWhateverItsLength() {
        assertThat(Period.MONTH.windowAt(at("2026-02-14T12:00:00Z"), UTC))
                .isEqualTo(new Period.Window(at("2026-02-01T00:00:00Z"), at("2026-03-01T00:00:00Z")));
        assertThat(Period.MONTH.windowAt(at("2028-02-29T12:00:00Z"), UTC).end()).isEqualTo(at("2028-03-01T00:00:00Z"));
        assertThat(Period.MONTH.windowAt(at("2026-12-31T23:59:59Z"), UTC))
                .isEqualTo(new Period.Window(at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z")));
    }

    @Test
    void theEndIsExclusiveAndBelongsToTheNextPeriod() {
        Period.Window w = Period.DAY.windowAt(at("2026-03-10T10:00:00Z"), UTC);
        assertThat(w.contains(w.start())).isTrue();
        assertThat(w.contains(w.end())).isFalse();
        assertThat(Period.DAY.windowAt(w.end(), UTC).start()).isEqualTo(w.end());
    }

    @Test
    void aMonthInAZoneStartsAtItsLocalMidnight() {
        // in Berlin (UTC+1 in winter) 2026-01-31T23:30Z is already February 1st
        assertThat(Period.MONTH.windowAt(at("2026-01-31T23:30:00Z"), BERLIN))
                .isEqualTo(new Period.Window(at("2026-01-31T23:00:00Z"), at("2026-02-28T23:00:00Z")));
    }

    @Test
    void aDayAcrossTheSpringChangeHas23HoursAndTheAutumnOne25() {
        // Europe/Berlin: 2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00
        Period.Window spring = Period.DAY.windowAt(at("2026-03-29T12:00:00Z"), BERLIN);
        assertThat(spring).isEqualTo(new Period.Window(at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z")));
        assertThat(Duration.between(spring.start(), spring.end())).isEqualTo(Duration.ofHours(23));
        Period.Window autumn = Period.DAY.windowAt(at("2026-10-25T12:00:00Z"), BERLIN);
        assertThat(Duration.between(autumn.start(), autumn.end())).isEqualTo(Duration.ofHours(25));
        // a month across the change starts and ends at local midnight on both sides of it
        assertThat(Period.MONTH.windowAt(at("2026-03-15T00:00:00Z"), NEW_YORK))
                .isEqualTo(new Period.Window(at("2026-03-01T05:00:00Z"), at("2026-04-01T04:00:00Z")));
    }

    @Test
    void aMidnightTheClockSkipsStartsTheDayAtItsFirstInstant() {
        // America/Santiago skipped 2024-09-08 00:00 (clocks went from 00:00 to 01:00): the day starts at 01:00 local
        ZoneId santiago = ZoneId.of("America/Santiago");
        Period.Window w = Period.DAY.windowAt(at("2024-09-08T15:00:00Z"), santiago);
        assertThat(w.start()).isEqualTo(at("2024-09-08T04:00:00Z"));
        assertThat(w.start().atZone(santiago).getHour()).isEqualTo(1);
        assertThat(Duration.between(w.start(), w.end())).isEqualTo(Duration.ofHours(23));
    }

    @Test
    void parsesItsWireNamesAndRefusesOthers() {
        assertThat(Period.parse("Month")).isEqualTo(Period.MONTH);
        assertThat(Period.parse("weekly")).isEqualTo(Period.WEEK);
        assertThatThrownBy(() -> Period.parse("year")).hasMessageContaining("day, week or month");
    }
}
