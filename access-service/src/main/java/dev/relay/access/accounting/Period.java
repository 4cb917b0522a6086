package dev.relay.access.accounting;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * A subscription's allowance period, calendar-aligned in the configured zone: a day starts at local midnight, a week
 * at Monday's local midnight (ISO), a month at the first day's local midnight. A local midnight that a daylight-saving
 * change skips starts the period at the first instant that exists that day; a day is 23 or 25 hours long across a
 * change.
 */
public enum Period {
    DAY("day", "daily"),
    WEEK("week", "weekly"),
    MONTH("month", "monthly");

    /** {@code [start, end)}. */
    public record Window(Instant start, Instant end) {
        public boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    private final String wireName;
    private final String adjective;

    Period(String wireName, String adjective) {
        this.wireName = wireName;
        this.adjective = adjective;
    }

    public String wireName() {
        return wireName;
    }

    /** "daily", "weekly", "monthly", for messages. */
    public String adjective() {
        return adjective;
    }

    public static Period parse(String s) {
        if (s == null) {
            throw new IllegalArgumentException("period is required (day, week or month)");
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "day", "daily" -> DAY;
            case "week", "weekly" -> WEEK;
            case "month", "monthly" -> MONTH;
            default -> throw new IllegalArgumentException("period must be day, week or month, got '" + s + "'");
        };
    }

    /** The period that contains {@code t}. */
    public Window windowAt(Instant t, ZoneId zone) {
        LocalDate day = t.atZone(zone).toLocalDate();
        LocalDate start = switch (this) {
            case DAY -> day;
            case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> day.withDayOfMonth(1);
        };
        LocalDate end = switch (this) {
            case DAY -> start.plusDays(1);
            case WEEK -> start.plusWeeks(1);
            case MONTH -> start.plusMonths(1);
        };
        return new Window(
                start.atStartOfDay(zone).toInstant(), end.atStartOfDay(zone).toInstant());
    }
}
