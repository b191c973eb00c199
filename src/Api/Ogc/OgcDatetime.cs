using Ledger.Spatial;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Ogc;

/// <summary>
/// The <c>datetime</c> parameter (OGC API – Features Part 1, 7.15.4) as the ledger's valid time,
/// which is kept in days: an instant or a date is the day it falls on in China (Asia/Shanghai, the
/// zone of every effective date); an interval <c>start/end</c> is every day from one to the other,
/// either end open as <c>..</c> or empty. A start in year 0000 is read as open: QGIS sends
/// <c>0000-01-01T00:00:00Z</c> for "from the beginning", and no effective date is that old.
/// </summary>
public static class OgcDatetime
{
    public const string Format = "an RFC 3339 date-time (2024-05-10T00:00:00Z), a date (2024-05-10), or an interval start/end of those " +
                                 "with .. (or nothing) for an open end, e.g. 2023-01-01/2023-12-31 or ../2024-05-10";

    /// <summary>The window, or the reason the text is not one.</summary>
    public static (ValidWindow? Window, string? Error) Parse(string raw, DateTimeZone zone)
    {
        var parts = raw.Split('/');
        if (parts.Length > 2) return (null, $"has {parts.Length - 1} '/'; it must be {Format}");
        if (parts.Length == 1)
        {
            if (parts[0] is "" or "..") return (null, $"'{parts[0]}' is an open end without an interval; it must be {Format}");
            return Day(parts[0], zone) switch
            {
                { Outside: true } => (null, $"'{Clip(parts[0])}' falls outside the years 0001–9999 (as a day in Asia/Shanghai)"),
                { Date: { } day } => (ValidWindow.Day(day), null),
                _ => (null, $"'{Clip(parts[0])}' is not {Format}"),
            };
        }
        LocalDate? start = null, end = null;
        if (!Open(parts[0]))
        {
            // Before year 1 (QGIS's 0000-01-01T00:00:00Z) is before anything the ledger holds: an open start.
            var (s, outside) = Day(parts[0], zone);
            if (s is null && !outside) return (null, $"the start '{Clip(parts[0])}' is not a date-time or date; it must be {Format}");
            if (outside && parts[0].StartsWith("9999", StringComparison.Ordinal))
                return (null, $"the start '{Clip(parts[0])}' falls after the year 9999, after anything the ledger holds");
            start = s;
        }
        if (!Open(parts[1]))
        {
            var (e, outside) = Day(parts[1], zone);
            if (e is null && !outside) return (null, $"the end '{Clip(parts[1])}' is not a date-time or date; it must be {Format}");
            // Past 9999-12-31 is after anything the ledger holds: an open end; before year 1, an interval that holds nothing.
            if (outside && !parts[1].StartsWith("9999", StringComparison.Ordinal))
                return (null, $"the end '{Clip(parts[1])}' falls before the year 0001, before anything the ledger holds");
            end = e;
        }
        if (start > end) return (null, $"the interval's start {start:uuuu-MM-dd} is after its end {end:uuuu-MM-dd} (both as days in Asia/Shanghai)");
        return (new ValidWindow(start, end), null);
    }

    /// <summary>How a window reads back in a link: pinned exactly as the ledger understood it.</summary>
    public static string Text(ValidWindow w) => w.Start == w.End && w.Start is { } d
        ? Iso(d)
        : $"{(w.Start is { } s ? Iso(s) : "..")}/{(w.End is { } e ? Iso(e) : "..")}";

    private static string Iso(LocalDate d) => LocalDatePattern.Iso.Format(d);

    private static bool Open(string end) => end is "" or "..";

    /// <summary>
    /// A date (exactly YYYY-MM-DD) or an RFC 3339 date-time with Z or an offset (T and Z in either case), as the day in
    /// <paramref name="zone"/>; <c>Outside</c> when it is a valid text whose day is not in the years 0001–9999
    /// (year 0000, or 9999-12-31T23:00:00Z, which is already 10000 in China).
    /// </summary>
    private static (LocalDate? Date, bool Outside) Day(string text, DateTimeZone zone)
    {
        LocalDate day;
        if (text.Length == 10)
        {
            if (LocalDatePattern.Iso.Parse(text) is not { Success: true } d) return (null, false);
            day = d.Value;
        }
        else
        {
            var upper = text.ToUpperInvariant();
            if (upper.Length < 20 || upper[10] != 'T') return (null, false);
            var parsed = OffsetDateTimePattern.ExtendedIso.Parse(upper);
            if (!parsed.Success || !(upper.EndsWith('Z') || upper[^6] is '+' or '-')) return (null, false);
            var instant = parsed.Value.ToInstant();
            var offset = zone.GetUtcOffset(instant);
            if (offset > Offset.Zero && instant > Instant.MaxValue - Duration.FromTicks(offset.Ticks)) return (null, true);
            day = instant.InZone(zone).Date;
        }
        return day.Year is >= 1 and <= 9999 ? (day, false) : (null, true);
    }

    private static string Clip(string s) => Ingest.BatchParser.Clip(s);
}
