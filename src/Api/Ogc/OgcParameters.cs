using System.Globalization;
using Ledger.Ingest;
using Ledger.Spatial;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Ogc;

/// <summary>
/// The query parameters of the OGC resources, each checked with a field error naming it
/// (Part 1 /req/core/query-param-invalid), and any parameter the OpenAPI document does not declare
/// for the resource refused (/req/core/query-param-unknown): a misspelt <c>bbox</c> silently
/// ignored would hand a GIS client the whole region as if it were the box it asked for.
/// </summary>
public sealed class OgcParameters
{
    public const int DefaultLimit = 100;
    /// <summary>The most features one page holds; larger <c>limit</c>s are clamped to it (declared in the OpenAPI document).</summary>
    public const int MaxLimit = 10_000;
    public const int MaxAfterLength = 200;

    /// <summary>Every resource takes these: the format, and the view (valid time and knowledge) that its links carry on.</summary>
    public static readonly string[] ViewNames = ["f", "datetime", "knownAt"];
    public static readonly string[] FeatureNames = [.. ViewNames, "crs"];
    public static readonly string[] ItemsNames = [.. FeatureNames, "limit", "bbox", "bbox-crs", "after", "knownThrough"];

    private readonly HttpContext _http;
    public List<ItemError> Errors { get; } = [];

    public OgcParameters(HttpContext http, IReadOnlyCollection<string> allowed)
    {
        _http = http;
        foreach (var (name, values) in http.Request.Query)
        {
            if (!allowed.Contains(name))
                Errors.Add(new ItemError(BatchParser.Clip(name), $"is not a parameter of this resource; it takes: {string.Join(", ", allowed)}"));
            else if (values.Distinct().Count() > 1)
                Errors.Add(new ItemError(name, "is given more than once with different values"));
        }
    }

    private string? Raw(string name) => _http.Request.Query.TryGetValue(name, out var v) ? v[0] : null;

    /// <summary><c>f</c>: the service answers JSON only (GeoJSON for features); <c>json</c> or <c>geojson</c> are accepted for clients that always send one.</summary>
    public void Format()
    {
        if (Raw("f") is { } f && f is not ("json" or "geojson"))
            Errors.Add(new ItemError("f", $"'{BatchParser.Clip(f)}' is not served; the only format is JSON (f=json, or f=geojson for features)"));
    }

    /// <summary><c>datetime</c>, default the day <paramref name="now"/> falls on in China.</summary>
    public ValidWindow Window(Instant now, DateTimeZone zone)
    {
        var today = ValidWindow.Day(now.InZone(zone).Date);
        if (Raw("datetime") is not { } raw) return today;
        var (window, error) = OgcDatetime.Parse(raw, zone);
        if (error is not null) Errors.Add(new ItemError("datetime", error));
        return window ?? today;
    }

    /// <summary>
    /// <c>knownAt</c>, default now. An instant after now is read as it says (as the map does): refusing it would
    /// turn a few milliseconds of clock skew between nodes into a 400 on the second page of a pinned link.
    /// </summary>
    public Instant KnownAt(Instant now)
    {
        if (Raw("knownAt") is not { } raw) return now;
        var r = InstantPattern.ExtendedIso.Parse(raw);
        if (r.Success && raw.EndsWith('Z')) return r.Value;
        Errors.Add(new ItemError("knownAt", "must be an ISO-8601 UTC instant such as 2026-03-01T08:00:00Z"));
        return now;
    }

    public string Crs(string name = "crs")
    {
        if (Raw(name) is not { } raw) return OgcCrs.Crs84;
        if (OgcCrs.Supported.Contains(raw)) return raw;
        Errors.Add(new ItemError(name, $"'{BatchParser.Clip(raw, 100)}' is not a supported CRS; use one of {string.Join(", ", OgcCrs.Supported)}"));
        return OgcCrs.Crs84;
    }

    /// <summary><c>limit</c>: 1 or more; above <see cref="MaxLimit"/> clamped to it (Part 1 lets a server serve fewer); not a number, 400.</summary>
    public int Limit()
    {
        if (Raw("limit") is not { } raw) return DefaultLimit;
        // Digits only: a number too long for a long is still just "very many", clamped like any other.
        if (raw.Length > 0 && raw.All(char.IsAsciiDigit) && raw.TrimStart('0').Length > 0)
            return long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (int)Math.Min(n, MaxLimit) : MaxLimit;
        return Refuse();

        int Refuse()
        {
            Errors.Add(new ItemError("limit", $"'{BatchParser.Clip(raw)}' is not a page size: it must be a whole number from 1 (larger than {MaxLimit:N0} is served as {MaxLimit:N0}); " +
                                              "there is no unlimited page: follow the next links"));
            return DefaultLimit;
        }
    }

    /// <summary><c>after</c>: the id of the previous page's last feature, as the service's own next link gives it.</summary>
    public string? After()
    {
        if (Raw("after") is not { } raw) return null;
        if (raw.Length is > 0 and <= MaxAfterLength && !raw.Any(char.IsControl)) return raw;
        Errors.Add(new ItemError("after", $"must be a feature id of 1–{MaxAfterLength} characters, as a next link gives it"));
        return null;
    }

    /// <summary>
    /// <c>knownThrough</c>: per database, the chain position the first page was read through (<c>catalogue:1234,north:56</c>),
    /// as the service's own next link gives it. Null when not given: each database's head now.
    /// </summary>
    public IReadOnlyDictionary<string, long>? Heads(IReadOnlyCollection<string> databases)
    {
        if (Raw("knownThrough") is not { } raw) return null;
        var heads = new Dictionary<string, long>();
        foreach (var part in raw.Split(','))
        {
            var colon = part.LastIndexOf(':');
            if (colon > 0 && databases.Contains(part[..colon])
                && long.TryParse(part[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var position) && heads.TryAdd(part[..colon], position))
                continue;
            Errors.Add(new ItemError("knownThrough", $"'{BatchParser.Clip(part)}' is not database:position for one of the databases " +
                                                     $"{string.Join(", ", databases)}; use it as a next link gives it"));
            return null;
        }
        return heads;
    }

    /// <summary>
    /// <c>bbox</c> as lower-left and upper-right corners (four numbers, or six with heights, which are ignored)
    /// in <c>bbox-crs</c>'s axis order (CRS84: longitude first; EPSG:4490: latitude first), returned as longitude/latitude.
    /// A west edge east of the east edge crosses the antimeridian (Part 1, 7.15.3).
    /// </summary>
    public BoundingBox? Bbox()
    {
        var crs = Crs("bbox-crs");
        if (Raw("bbox") is not { } raw)
        {
            if (Raw("bbox-crs") is not null) Errors.Add(new ItemError("bbox-crs", "is given without a bbox"));
            return null;
        }
        var parts = raw.Split(',');
        var n = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : (double?)null).ToList();
        if (parts.Length is not (4 or 6) || n.Any(x => x is null))
        {
            Errors.Add(new ItemError("bbox", "must be four numbers (or six with heights): the lower-left and upper-right corners, " +
                                             (OgcCrs.LatitudeFirst(crs) ? "latitude first (EPSG:4490): south,west,north,east" : "longitude first (CRS84): west,south,east,north")));
            return null;
        }
        var (a, b, c, d) = parts.Length == 4 ? (n[0]!.Value, n[1]!.Value, n[2]!.Value, n[3]!.Value) : (n[0]!.Value, n[1]!.Value, n[3]!.Value, n[4]!.Value);
        var box = OgcCrs.LatitudeFirst(crs) ? new BoundingBox(b, a, d, c) : new BoundingBox(a, b, c, d);
        if (box.West is < -180 or > 180 || box.East is < -180 or > 180 || box.South is < -90 or > 90 || box.North is < -90 or > 90)
            Errors.Add(new ItemError("bbox", "longitudes must lie in -180–180 and latitudes in -90–90" +
                                             (OgcCrs.LatitudeFirst(crs) ? " (with bbox-crs EPSG:4490 latitude comes first)" : "")));
        else if (box.South > box.North)
            Errors.Add(new ItemError("bbox", "the lower corner's latitude is north of the upper corner's"));
        return box;
    }
}
