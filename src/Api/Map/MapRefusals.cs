using System.Globalization;
using Ledger.Api.Http;
using Ledger.Ingest;
using Ledger.Spatial;

namespace Ledger.Api.Map;

/// <summary>
/// The answers for a map or overlap list too large for one response (422: the same request will
/// always be refused, so each says how to ask for less) and for a read PostgreSQL stopped at the
/// timeout (503 with Retry-After: that depends on how busy the server is). See docs/map.md#bounds.
/// </summary>
public static class MapRefusals
{
    private const string Narrow = "ask for part of it: a bbox=west,south,east,north, fewer layers, or a smaller region";

    public static IResult TooManyFeatures(HttpContext http, MapLimits limits, long features, MapRequest request) => TooLarge(http, request,
        Text($"the map has at least {features:N0} features, more than the {limits.MaxFeatures:N0} one answer may hold (LEDGER_MAP_MAX_FEATURES)"));

    public static IResult TooManyBytes(HttpContext http, MapLimits limits, long bytes, MapRequest request) => TooLarge(http, request,
        Text($"the map's features are at least {bytes:N0} bytes of GeoJSON, more than the {limits.MaxBytes:N0} ({Mib(limits.MaxBytes)} MiB) one answer may hold (LEDGER_MAP_MAX_MB)"));

    public static IResult ExportTooLarge(HttpContext http, MapLimits limits, long bytes, MapRequest request) => TooLarge(http, request,
        Text($"the export's geometries are at least {bytes:N0} bytes, more than the {limits.MaxBytes:N0} ({Mib(limits.MaxBytes)} MiB) one export may hold (LEDGER_MAP_MAX_MB)"));

    public static IResult TooManyOverlaps(HttpContext http, MapLimits limits, long overlaps)
    {
        var why = Text($"the region has at least {overlaps:N0} overlaps in the period, more than the {limits.MaxFeatures:N0} one answer may hold (LEDGER_MAP_MAX_FEATURES)");
        return Problems.Of(http, 422, "Too many overlaps for one answer", $"{why}; ask for a shorter period (from and to) or a smaller region",
            [new ItemError("from", "narrow the period with from and to (YYYY-MM-DD), or ask a smaller region")]);
    }

    /// <summary>What a read stopped at the timeout asks the client to wait before it tries again (the workbench's page too).</summary>
    public const string TimedOutRetryAfter = "10";

    public static IResult TimedOut(HttpContext http, MapLimits limits)
    {
        http.Response.Headers.RetryAfter = TimedOutRetryAfter;
        return Problems.Of(http, 503, "The map read took too long",
            Text($"the read took longer than {limits.Timeout.TotalSeconds:0.###} s (LEDGER_MAP_TIMEOUT_SECONDS) and the database stopped it; ") +
            "the server may be busy: retry later, or ask for less (a bbox, fewer layers, a smaller region, a shorter period)");
    }

    private static IResult TooLarge(HttpContext http, MapRequest request, string why) =>
        Problems.Of(http, 422, "The map is too large for one answer", $"{why}; {Narrow}",
            [new ItemError("bbox", request.Bbox is null
                ? "is required for a map this large: west,south,east,north in degrees around the part to show"
                : "covers too much: ask a smaller box, fewer layers or a smaller region")]);

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Text(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
