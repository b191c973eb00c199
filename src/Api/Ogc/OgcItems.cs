using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Map;
using Ledger.Spatial;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Ogc;

/// <summary>
/// A collection's features a page at a time, and one feature by id (Part 1 7.15–7.16, Part 2 6.3).
/// Pages are keyset pages in feature-id order; the <c>next</c> link carries every parameter the
/// client gave and pins what it left to the server (<c>knownAt</c>: the instant this page was read
/// as of; <c>knownThrough</c>: each database's chain position then, which also holds back a batch
/// that took its instant before <c>knownAt</c> but committed later; <c>datetime</c>: the day that was
/// "today"), so later pages read the same ledger even while events are being recorded, and
/// <c>numberMatched</c> stays the same from page to page.
/// </summary>
public static class OgcItems
{
    private static readonly InstantPattern TimeStampPattern = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss.fff'Z'");

    public static async Task<IResult> Items(HttpContext http, string code, string collectionId, Topology topology, MapWork work, OgcCounts counts,
        IClock clock, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var (crs, bbox, limit, after) = (OgcCrs.Crs84, (BoundingBox?)null, OgcParameters.DefaultLimit, (string?)null);
        IReadOnlyDictionary<string, long>? heads = null;
        var view = await OgcEndpoints.Checked(http, code, OgcParameters.ItemsNames, topology, clock, ct, q =>
        {
            crs = q.Crs();
            bbox = q.Bbox();
            limit = q.Limit();
            after = q.After();
            heads = q.Heads(topology.All.Select(d => d.Name).ToList());
        });
        if (view.Problem is { } problem) return problem;
        if (OgcEndpoints.UnknownCollection(http, collectionId) is { } unknown) return unknown;

        var request = new FeatureRequest(code, collectionId, view.Window, view.KnownAt, bbox, OgcCrs.LatitudeFirst(crs), after, limit);
        var checkedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return await work.RunAsync(http, async () =>
        {
            var queued = Stopwatch.GetElapsedTime(started).TotalMilliseconds - checkedMs;
            // With shards every database gives its first limit+1 after the key; merged in the same order, the first limit are the page.
            var databases = topology.Holding(code);
            var pages = await topology.EachAsync(databases, (d, _) =>
            {
                var head = heads is not null && heads.TryGetValue(d.Name, out var pinned) ? pinned : (long?)null;
                return new FeatureQuery(d.Db, work.Limits)
                    .PageAsync(request with { Head = head, Matched = head is { } h ? counts.Find(OgcCounts.Key(request, d.Name, h)) : null }, ct);
            });
            // A walk's first page read each database through its head then: its count holds for the pages its next link pins there.
            if (heads is null)
                foreach (var (d, p) in databases.Zip(pages))
                    counts.Keep(OgcCounts.Key(request, d.Name, p.Head), p.Matched);
            var rows = pages.SelectMany(p => p.Features).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
            var page = Page(rows, limit, work.Limits.MaxBytes);
            var links = new List<object>
            {
                OgcLinks.Link(OgcLinks.Self(http), "self", OgcResponse.GeoJson, "This page"),
                OgcLinks.Link($"{OgcLinks.Root(http, code)}/collections/{collectionId}", "collection", OgcResponse.Json, OgcCollections.All[collectionId].Title),
            };
            if (rows.Count > page.Count)
                links.Add(OgcLinks.Link(Next(http, view, limit, page[^1].Id, string.Join(',', databases.Zip(pages, (d, p) => $"{d.Name}:{p.Head}"))),
                    "next", OgcResponse.GeoJson, "The next page"));
            var read = Stopwatch.GetElapsedTime(started).TotalMilliseconds - checkedMs - queued;
            var answer = OgcResponse.Raw(Collection(clock.GetCurrentInstant(), pages.Sum(p => p.Matched), page, links), OgcResponse.GeoJson, crs);
            http.Response.Headers["Server-Timing"] = Timing(checkedMs, queued, pages.Select(p => p.Timings).ToList(), read,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds - checkedMs - queued - read);
            return answer;
        }, ct);
    }

    /// <summary>
    /// Where an items page's time went, for browser tools and the OGC benchmark (W3C Server Timing): the role, parameter and region
    /// checks; waiting for the client's map-read slot; each database's setup, page statement and count (the slowest database's,
    /// as the databases are read at once); the whole read; and building the answer's text.
    /// </summary>
    private static string Timing(double checkedMs, double queued, IReadOnlyList<FeatureTimings> databases, double read, double build) =>
        ServerTiming.Header([("check", checkedMs), ("queue", queued), ("setup", databases.Max(t => t.Setup)), ("page", databases.Max(t => t.Page)),
            ("count", databases.Max(t => t.Count)), ("read", read), ("build", build)]);

    public static async Task<IResult> Item(HttpContext http, string code, string collectionId, string featureId, Topology topology, MapWork work,
        IClock clock, CancellationToken ct)
    {
        var crs = OgcCrs.Crs84;
        var view = await OgcEndpoints.Checked(http, code, OgcParameters.FeatureNames, topology, clock, ct, q => crs = q.Crs());
        if (view.Problem is { } problem) return problem;
        if (OgcEndpoints.UnknownCollection(http, collectionId) is { } unknown) return unknown;

        var request = new FeatureRequest(code, collectionId, view.Window, view.KnownAt, null, OgcCrs.LatitudeFirst(crs), null, 1, featureId);
        return await work.RunAsync(http, async () =>
        {
            var pages = await topology.EachAsync(topology.Holding(code), (d, _) => new FeatureQuery(d.Db, work.Limits).PageAsync(request, ct));
            if (pages.SelectMany(p => p.Features).FirstOrDefault() is not { } found)
                return Problems.NotFound(http, $"collection {collectionId} has no feature '{Ingest.BatchParser.Clip(featureId)}' in force " +
                                               $"{(view.Window.Start == view.Window.End ? "on" : "within")} {OgcDatetime.Text(view.Window)} " +
                                               $"as known at {InstantPattern.ExtendedIso.Format(view.KnownAt)}");
            var feature = JsonNode.Parse(found.Json)!.AsObject();
            feature["links"] = new JsonArray(
                Node(OgcLinks.Link(OgcLinks.Self(http), "self", OgcResponse.GeoJson, "This feature")),
                Node(OgcLinks.Link($"{OgcLinks.Root(http, code)}/collections/{collectionId}", "collection", OgcResponse.Json, OgcCollections.All[collectionId].Title)));
            return OgcResponse.Raw(feature.ToJsonString(LedgerJson.Options), OgcResponse.GeoJson, crs);
        }, ct);
    }

    /// <summary>
    /// The first <paramref name="limit"/> rows, cut earlier once their GeoJSON passes the map's byte cap
    /// (LEDGER_MAP_MAX_MB; at least one feature): Part 1 lets a page hold fewer than asked, and the next link goes on from there.
    /// </summary>
    private static List<FeatureRow> Page(List<FeatureRow> rows, int limit, long maxBytes)
    {
        var page = new List<FeatureRow>();
        long bytes = 0;
        foreach (var row in rows)
        {
            var size = Encoding.UTF8.GetByteCount(row.Json);
            if (page.Count == limit || (page.Count > 0 && bytes + size > maxBytes)) break;
            page.Add(row);
            bytes += size;
        }
        return page;
    }

    /// <summary>This request from after <paramref name="lastId"/>, with what the server chose for the client pinned.</summary>
    private static string Next(HttpContext http, OgcEndpoints.View view, int limit, string lastId, string heads)
    {
        var query = http.Request.Query;
        var set = new List<(string, string)> { ("limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("after", lastId) };
        // What the client gave is carried verbatim (GDAL appends its connection URL's query to every request, next links too: the two must agree).
        if (!query.ContainsKey("datetime")) set.Add(("datetime", OgcDatetime.Text(view.Window)));
        if (!query.ContainsKey("knownAt")) set.Add(("knownAt", InstantPattern.ExtendedIso.Format(view.KnownAt)));
        if (!query.ContainsKey("knownThrough")) set.Add(("knownThrough", heads));
        return OgcLinks.With(http, [.. set]);
    }

    private static string Collection(Instant now, long matched, List<FeatureRow> page, List<object> links)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = LedgerJson.Options.Encoder, SkipValidation = true }))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            // Whole milliseconds, always three digits: a HEAD answered a moment after a GET must give the same length.
            w.WriteString("timeStamp", TimeStampPattern.Format(now));
            w.WriteNumber("numberMatched", matched);
            w.WriteNumber("numberReturned", page.Count);
            w.WritePropertyName("links");
            JsonSerializer.Serialize(w, links, LedgerJson.Options);
            w.WriteStartArray("features");
            foreach (var row in page) w.WriteRawValue(row.Json, skipInputValidation: true);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static JsonNode Node(object link) => JsonSerializer.SerializeToNode(link, LedgerJson.Options)!;
}
