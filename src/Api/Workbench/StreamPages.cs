using System.Text;
using System.Text.Json;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Http;
using Ledger.Events;
using Ledger.Investigations;
using Ledger.Regions;
using Ledger.Streams;
using Marten;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Workbench;

/// <summary>A stream's history as a timeline, the back-dating search and the chain verification (investigators).</summary>
public static class StreamPages
{
    /// <summary>Events on one timeline page: a stream of any length is read a slice at a time.</summary>
    public const int TimelinePage = 200;

    public static async Task<IResult> Timeline(HttpContext http, string domain, string key, Hosting.Topology topology, CancellationToken ct)
    {
        var ui = new Ui(http);
        if (EventCatalog.RulesFor(domain) is null)
            return ui.Error(400, ui.T($"未知的域 {domain}；可用：{string.Join("、", EventCatalog.Domains)}", $"Unknown domain {domain}; one of {string.Join(", ", EventCatalog.Domains)}."));
        if (EventCatalog.KeyShapeProblem(domain, key) is { } bad) return ui.Error(400, ui.T($"流编号无效：{bad}", $"Not a stream key: {bad}"));
        await using var session = (await topology.LocateStreamAsync(EventCatalog.StreamId(domain, key), ct)).Store.QuerySession();
        // Scope from the first event alone, before any history is read; the page then shows one bounded slice.
        var region = await StreamHistory.RegionOfAsync(session, domain, key, ct);
        if (region is null) return ui.Error(404, ui.T($"没有流 {domain}/{key}。", $"No stream {domain}/{key}."));
        var client = http.Client();
        if (!client.CanSee(region))
            return ui.Error(403, ui.T($"该流不在密钥范围 {client.Scope} 之内。", $"The stream is outside the key's scope {client.Scope}."));
        var after = long.TryParse(ui.Query("after"), out var a) && a > 0 ? a : 0;
        var history = await StreamHistory.LoadPageAsync(session, domain, key, after, TimelinePage, null, ct);
        var state = await StreamHistory.ReplayAsync(session, domain, key, null, null, ct);

        var b = new StringBuilder($"<p>{ui.T("地区", "Region")} <a href=\"/ui/regions/{region}\">{region}</a> · {state?.Version ?? 0} {ui.T("个事件", "events")}</p>");
        b.Append($"<h2>{ui.T("当前状态", "Current state")}</h2>{KeyValues(JsonSerializer.SerializeToElement(state, state?.GetType() ?? typeof(object), LedgerJson.Options))}");
        b.Append($"<h2>{ui.T("时间线", "Timeline")}</h2><ol class=\"timeline\">");
        foreach (var e in history)
        {
            var late = (e.RecordedAt.InZone(Ledger.Audit.Departure.AuditReader.LedgerZone).Date - e.EffectiveDate).Days;
            b.Append($"""
                <li id="v{e.Version}"><strong>v{e.Version} · {Ui.E(e.Type)}</strong>
                <div class="muted">{ui.T("生效", "effective")} {Ui.Date(e.EffectiveDate)} · {ui.T("记录", "recorded")} {Ui.Instant(e.RecordedAt)}{(late > 30 ? $" <span class=\"badge bad\">{ui.T($"补录 {late} 天", $"back-dated {late} days")}</span>" : "")} · {Ui.E(e.Client)} · {ui.T("序号", "seq")} {e.Sequence} · <code>{e.EventId}</code></div>
                {KeyValues(Streams.EventData.ForReaders(e.Data))}
                {(e.DocumentRef is null && e.Note is null ? "" : $"<div class=\"muted\">{ui.T("来源", "source")}: {Ui.E(e.DocumentRef)} {Ui.E(e.Note)}</div>")}
                </li>
                """);
        }
        b.Append("</ol>");
        if (history.Count == TimelinePage)
            b.Append($"<p><a href=\"/ui/streams/{Ui.Q(domain)}/{Ui.Q(key)}?after={history[^1].Version}\">{ui.T($"后续事件（v{history[^1].Version} 之后）", $"Later events (after v{history[^1].Version})")}</a></p>");
        return ui.Page($"{ui.T("流", "Stream")} {domain}/{key}", b.ToString());
    }

    public static async Task<IResult> BackDating(HttpContext http, Hosting.Topology topology, CancellationToken ct)
    {
        var ui = new Ui(http);
        var client = http.Client();
        if (!client.Has(Role.Investigator)) return ui.Error(403, ui.T("补录与更正查询需要调查角色。", "Back-dating and correction searches need the investigator role."));
        var region = ui.Query("region") is { Length: > 0 } r ? r : client.Scope;
        var from = Ui.ParseDate(ui.Query("effectiveFrom"), out var badFrom);
        var to = Ui.ParseDate(ui.Query("effectiveTo"), out var badTo);
        var delay = ui.Query("minDelayDays") is { Length: > 0 } d ? (int.TryParse(d, out var v) && v is >= 0 and <= 36500 ? v : -1) : 30;
        if (!RegionCodes.IsWellFormed(region) || badFrom || badTo || delay < 0)
            return ui.Error(400, ui.T("地区为六位代码，日期为 YYYY-MM-DD，天数为 0–36500 的整数。", "Region is a six-digit code, dates YYYY-MM-DD, days a whole number 0–36500."));
        if (!client.CanSee(region)) return ui.Error(403, ui.T($"地区 {region} 不在密钥范围 {client.Scope} 之内。", $"Region {region} is outside the key's scope {client.Scope}."));

        // The region's database, or every one (in database order) for the nation with shards.
        var query = new EventQuery(region, [], from, to, null, null, null, delay, 0, 500);
        var found = await topology.EachAsync(topology.Holding(region), async (d, _) =>
            (BackDated: await EventSearch.FindAsync(d.Db, query, ct),
             Corrections: await EventSearch.FindAsync(d.Db, query with { Types = EventSearch.CorrectionTypes, MinDelayDays = null }, ct)));
        var backDated = found.SelectMany(f => f.BackDated).Take(500).ToList();
        var corrections = found.SelectMany(f => f.Corrections).Take(500).ToList();
        var b = new StringBuilder($"""
            <form method="get" action="/ui/investigations" class="inline" aria-label="{ui.T("查询条件", "Search")}">
            {Ui.Field("region", ui.T("地区代码", "Region code"), $"<input id=\"region\" name=\"region\" value=\"{Ui.E(region)}\" inputmode=\"numeric\" pattern=\"[0-9]{{6}}\" required>")}
            {Ui.Field("effectiveFrom", ui.T("生效不早于", "Effective from"), $"<input id=\"effectiveFrom\" name=\"effectiveFrom\" type=\"date\" value=\"{(from is { } f ? Ui.Date(f) : "")}\">")}
            {Ui.Field("effectiveTo", ui.T("生效不晚于", "Effective to"), $"<input id=\"effectiveTo\" name=\"effectiveTo\" type=\"date\" value=\"{(to is { } t ? Ui.Date(t) : "")}\">")}
            {Ui.Field("minDelayDays", ui.T("至少补录天数", "At least days late"), $"<input id=\"minDelayDays\" name=\"minDelayDays\" type=\"number\" min=\"0\" max=\"36500\" value=\"{delay}\">")}
            <button type="submit" class="primary">{ui.T("查询", "Search")}</button>
            </form>
            """);
        b.Append(Found(ui, ui.T($"补录记录（记录时间晚于生效日期至少 {delay} 天，最多 500 条）", $"Back-dated records (recorded at least {delay} days after taking effect; at most 500)"), backDated));
        b.Append(Found(ui, ui.T("更正与调整记录（最多 500 条）", "Corrections and adjustments (at most 500)"), corrections));
        return ui.Page(ui.T("补录与更正", "Back-dating and corrections"), b.ToString());
    }

    public static async Task<IResult> Verify(HttpContext http, VerifyStatus status, Investigations.VerifyRunner runner, CancellationToken ct)
    {
        var ui = new Ui(http);
        if (!http.Client().Has(Role.Investigator)) return ui.Error(403, ui.T("账本校验需要调查角色。", "Ledger verification needs the investigator role."));
        var (whole, at) = await status.RunAsync(ct);
        var result = await runner.ForAsync(http.Client(), whole, ct);
        var b = new StringBuilder($"""
            <p class="{(result.Ok ? "ok" : "bad")}" id="verify-result">{(result.Ok
                ? ui.T($"哈希链完整：已校验 {result.EventsChecked:N0} 个{(result.Scope is null ? "" : "本辖区")}事件、{whole.CheckpointsChecked} 个签名检查点；派生表与事件一致。",
                    $"The hash chain is intact: {result.EventsChecked:N0} {(result.Scope is null ? "" : "in-scope ")}events and {whole.CheckpointsChecked} signed checkpoints checked; the derived tables equal the events.")
                : whole.ChainIntact
                ? ui.T($"哈希链完整，但派生表与事件不一致：{Ui.E(string.Join("、", whole.DifferingTables))}。",
                    $"The hash chain is intact, but tables derived from the events differ from them: {Ui.E(string.Join(", ", whole.DifferingTables))}.")
                : ui.T($"哈希链断裂，首个异常序号 {result.FirstBrokenSequence}。", $"The hash chain is broken; first bad sequence {result.FirstBrokenSequence}."))}</p>
            <p class="muted">{ui.T("校验时间", "Verified at")} {Ui.Instant(at)}</p>
            """);
        b.Append(Ui.Table(ui.T("问题", "Problems"), [ui.T("序号", "Sequence"), ui.T("问题", "What")], result.Problems.Take(200).Select(p => new[] { p.Sequence > 0 ? p.Sequence.ToString() : "—", Ui.E(p.What) })));
        return ui.Page(ui.T("账本校验", "Ledger verification"), b.ToString());
    }

    private static string Found(Ui ui, string caption, IReadOnlyList<FoundEvent> events) =>
        Ui.Table(caption, [ui.T("流", "Stream"), ui.T("类型", "Type"), ui.T("生效", "Effective"), ui.T("记录", "Recorded"), ui.T("迟延天数", "Days late"), ui.T("提交方", "Client")],
            events.Select(e => new[]
            {
                $"<a href=\"/ui/streams/{e.Type[..e.Type.IndexOf('.')]}/{Ui.Q(e.Stream)}\">{Ui.E(e.Stream)}</a>", Ui.E(e.Type), Ui.Date(e.EffectiveDate), Ui.Instant(e.RecordedAt),
                Ui.Numeric(e.DelayDays.ToString()), Ui.E(e.Client),
            }));

    private static string KeyValues(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object) return "";
        var s = new StringBuilder("<dl class=\"kv\">");
        foreach (var p in json.EnumerateObject())
            s.Append($"<dt>{Ui.E(p.Name)}</dt><dd>{Ui.E(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())}</dd>");
        return s.Append("</dl>").ToString();
    }
}
