using System.Globalization;
using System.Text;
using Ledger.Api.Map;
using Ledger.Spatial;
using Marten;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Workbench;

/// <summary>
/// 一张图: the region's parcels, permanent basic farmland, red lines, mines, footprints and the
/// overlaps the ledger found, as of a date and as known at an instant, drawn by the vendored
/// MapLibre from the ledger's own vector tiles. Under the map, the same overlaps as a table with
/// links (the page's content for keyboards and screen readers, and without WebGL).
/// </summary>
public static class MapPage
{
    private static readonly (string Layer, string Zh, string En)[] LayerNames =
    [
        (Layers.Farmland, "耕地图斑", "Farmland parcels"), (Layers.PermanentBasic, "永久基本农田", "Permanent basic farmland"),
        (Layers.RedLine, "生态保护红线", "Red lines"), (Layers.Mining, "矿区范围", "Mining licences"),
        (Layers.Footprints, "占地与侵占", "Footprints"), (Layers.Overlaps, "叠加发现", "Overlaps found"),
    ];

    public static async Task<IResult> Page(HttpContext http, string code, Hosting.Topology topology, IClock clock, MapLimits limits, CancellationToken ct)
    {
        var ui = new Ui(http);
        if (await RegionPages.CheckRegionAsync(ui, code, topology, ct) is { } refused) return refused;
        var now = clock.GetCurrentInstant();
        var asOf = Ui.ParseDate(ui.Query("asOf"), out var badDate) ?? now.InZone(Ledger.Audit.Departure.AuditReader.LedgerZone).Date;
        var knownAt = Ui.ParseInstant(ui.Query("knownAt"), out var badKnown) ?? now;
        if (badDate) return ui.Error(400, ui.T("日期格式为 YYYY-MM-DD。", "Dates are YYYY-MM-DD."));
        if (badKnown) return ui.Error(400, ui.T("“数据截至”须为 UTC 时间，如 2026-03-01T08:00。", "'Known at' must be a UTC time such as 2026-03-01T08:00."));

        // The region's database, or every one for the nation with shards: the extent is their union, the overlaps all of theirs.
        // The table lists at most the map's cap (LEDGER_MAP_MAX_FEATURES) in date order: a province's overlaps would be a page of
        // megabytes; each database reads one past the cap, so the page knows when there are more.
        // Both reads are bounded by the map's timeout (LEDGER_MAP_TIMEOUT_SECONDS), as /map and /overlaps are.
        var listed = new MapLimits(limits.MaxFeatures, long.MaxValue, limits.Timeout);
        (BoundingBox? Extent, IReadOnlyList<Overlap> Overlaps)[] each;
        try
        {
            each = await topology.EachAsync(topology.Holding(code), async (d, _) =>
                (await new MapQuery(d.Db).ExtentAsync(code, limits.Timeout, ct), await new OverlapQuery(d.Db, listed).ListAsync(code, null, asOf, knownAt, ct)));
        }
        catch (MapTimeoutException)
        {
            http.Response.Headers.RetryAfter = Map.MapRefusals.TimedOutRetryAfter;
            var seconds = limits.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            return ui.Error(503, ui.T($"读取本地区的地图范围与叠加清单超过 {seconds} 秒（LEDGER_MAP_TIMEOUT_SECONDS），已由数据库停止。服务器可能繁忙：请稍后重试，或下载 GeoPackage、用 GIS 客户端按范围读取。",
                $"Reading this region's map extent and overlap list took longer than {seconds} s (LEDGER_MAP_TIMEOUT_SECONDS) and the database stopped it. " +
                "The server may be busy: retry later, or download the GeoPackage or read a window through a GIS client."));
        }
        var extent = BoundingBox.Union(each.Select(e => e.Extent));
        var all = each.Length == 1 ? each[0].Overlaps : each.SelectMany(e => e.Overlaps).OrderBy(o => o.EffectiveDate).ThenBy(o => o.Id).ToList();
        var found = all.Take(limits.MaxFeatures).ToList();
        var knownText = InstantPattern.ExtendedIso.Format(knownAt);
        var b = new StringBuilder();
        b.Append($"<p><a href=\"/ui/regions/{code}\">{ui.T("返回资产负债表", "Back to the balance sheet")}</a></p>");
        b.Append($"""
            <form method="get" action="/ui/regions/{code}/map" class="inline" aria-label="{ui.T("时点与数据截至时间", "Date and knowledge time")}">
            {Ui.Field("asOf", ui.T("时点", "As of"), $"<input id=\"asOf\" name=\"asOf\" type=\"date\" value=\"{Ui.Date(asOf)}\" required>")}
            {Ui.Field("knownAt", ui.T("数据截至（UTC）", "Known at (UTC)"), $"<input id=\"knownAt\" name=\"knownAt\" type=\"datetime-local\" step=\"1\" value=\"{Ui.InputValue(knownAt)}\">")}
            <button type="submit" class="primary">{ui.T("查看", "Show")}</button>
            </form>
            """);
        if (extent is null)
            b.Append($"<p class=\"muted\">{ui.T("本地区尚无带边界的记录。", "Nothing in this region has been recorded with a boundary yet.")}</p>");
        else
        {
            b.Append($"<fieldset class=\"layers\"><legend>{ui.T("图层", "Layers")}</legend>");
            foreach (var (layer, zh, en) in LayerNames)
                b.Append($"<label class=\"layer-{layer}\"><input type=\"checkbox\" data-layer=\"{layer}\" checked> {Ui.E(ui.T(zh, en))}</label> ");
            b.Append("</fieldset>");
            var bounds = string.Create(CultureInfo.InvariantCulture, $"[{extent.West},{extent.South},{extent.East},{extent.North}]");
            var labels = string.Concat(LayerNames.Select(l => $" data-label{l.Layer.ToLowerInvariant()}=\"{Ui.E(ui.T(l.Zh, l.En))}\""));
            b.Append($"""
                <link rel="stylesheet" href="/ui/assets/maplibre/maplibre-gl.css">
                <div id="map" class="map" role="region" aria-label="{ui.T("地图", "Map")}" data-region="{code}" data-as-of="{Ui.Date(asOf)}"
                  data-known-at="{Ui.E(knownText)}" data-bounds="{bounds}"{labels}></div>
                <script type="module" src="/ui/assets/map.js"></script>
                <p class="muted">{ui.T("点击图斑查看其记录时间线。分析面积均按 CGCS2000 椭球计算；地图仅用于显示。", "Click a feature for its stream's timeline. Every area is computed on the CGCS2000 ellipsoid; the map is for display only.")}</p>
                """);
        }
        b.Append(MapDownloads.Section(ui, code, asOf, knownAt));
        b.Append($"<h2 id=\"overlaps\">{ui.T("叠加发现", "Overlaps found by the ledger")}</h2>");
        if (all.Count > found.Count)
            b.Append($"<p class=\"bad\" role=\"status\">{ui.T($"仅列出最早的 {found.Count:N0} 项叠加（还有更多）；完整清单请下载上方的 GeoPackage（overlaps 图层），或在 GIS 中打开 overlaps 集合。", $"Only the earliest {found.Count:N0} overlaps are listed (there are more); the whole list is the GeoPackage above (its overlaps layer), or the overlaps collection in a GIS client.")}</p>");
        b.Append(found.Count == 0
            ? $"<p class=\"ok\">{ui.T("截至该时点没有发现叠加。", "No overlaps by this date.")}</p>"
            : Ui.Table(ui.T("占地或矿业权与红线、永久基本农田的叠加", "Footprints or licences over red lines and permanent basic farmland"),
                [ui.T("类型", "Kind"), ui.T("图层", "Layer"), ui.T("面积（公顷）", "Area (ha)"), ui.T("生效日期", "Effective"), ui.T("占地方", "Footprint"), ui.T("被占方", "Protected")],
                found.Select(o => (IEnumerable<string>)
                [
                    $"<td>{Ui.E(Kind(ui, o.Kind))}</td>", $"<td>{Ui.E(LayerName(ui, o.Layer))}</td>", Ui.Numeric(Ui.Num(o.AreaHa)), $"<td>{Ui.Date(o.EffectiveDate)}</td>",
                    $"<td>{StreamLink(o.Footprint, knownText)}</td>", $"<td>{StreamLink(o.Protected, knownText)}</td>",
                ])));
        return ui.Page(ui.T($"一张图 · {code}", $"Map · {code}"), b.ToString());
    }

    private static string StreamLink(OverlapParty p, string knownAt) =>
        $"<a href=\"/ui/streams/{Ui.Q(p.Domain)}/{Ui.Q(p.Stream)}?knownAt={Ui.Q(knownAt)}\">{Ui.E(p.Domain)}/{Ui.E(p.Stream)}</a>";

    private static string Kind(Ui ui, string kind) => kind switch
    {
        "occupation" => ui.T("占用", "occupation"),
        "licence" => ui.T("矿业权范围", "licence"),
        "pre-existing" => ui.T("先于保护存在", "pre-existing"),
        _ => kind,
    };

    private static string LayerName(Ui ui, string layer) => LayerNames.FirstOrDefault(l => l.Layer == layer) is { Layer: not null } l ? ui.T(l.Zh, l.En) : layer;

    /// <summary>The workbench's tile route: the API's own handler, behind the workbench session instead of an API key.</summary>
    public static Task<IResult> Tile(HttpContext http, string code, string z, string x, string y, Hosting.Topology topology, MapWork work,
        TileCache cache, IClock clock, CancellationToken ct) => TileEndpoint.Tile(http, code, z, x, y, topology, work, cache, clock, ct);
}
