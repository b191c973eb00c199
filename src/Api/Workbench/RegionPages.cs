using System.Text;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Hosting;
using Ledger.Audit.BalanceSheets;
using Ledger.Audit.Departure;
using Ledger.Audit.Reports;
using Ledger.Events;
using Ledger.Flows;
using Ledger.Investigations;
using Ledger.Regions;
using Ledger.Tenures;
using Marten;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Workbench;

/// <summary>The region navigator, its balance sheet with charts and tenures, and the provenance of every figure.</summary>
public static class RegionPages
{
    private static readonly string[] Charted = [Accounts.Farmland, Accounts.PermanentBasicFarmland, Accounts.RedLine, Accounts.MiningDamagedUnreclaimed];

    public static async Task<IResult> Region(HttpContext http, string code, Topology topology, IClock clock, CancellationToken ct)
    {
        var ui = new Ui(http);
        // The region's own database (its province's), or every database for the nation with shards.
        if (await CheckRegionAsync(ui, code, topology, ct) is { } refused) return refused;
        var home = topology.For(code);
        var (period, problem) = ReadPeriod(ui, clock);
        if (problem is not null) return problem;
        var (from, to, knownAt) = period;
        if (LandUseTable.ReadLevel(ui) is not { } level)
            return ui.Error(400, ui.T("landUseLevel 须为 1（一级类）或 2（二级类）。", "landUseLevel is 1 (main classes) or 2 (subclasses)."));
        var databases = topology.Holding(code);

        await using var session = home.Store.QuerySession();
        var region = code == RegionCodes.Nation ? null : await session.LoadAsync<RegionState>(EventCatalog.StreamId("region", code), ct);
        var prefix = RegionCodes.Prefix(code);
        var found = await topology.EachAsync(databases, async (d, _) =>
        {
            await using var each = d.Store.QuerySession();
            var children = await each.Query<RegionState>().Where(r => r.ParentCode == code).OrderBy(r => r.RegionCode).ToListAsync(ct);
            var tenures = await each.Query<TenureState>().Where(t => t.RegionCode.StartsWith(prefix)).OrderBy(t => t.RegionCode).ThenBy(t => t.OpenedOn).Take(500).ToListAsync(ct);
            await using var conn = await d.Db.OpenConnectionAsync(ct);
            return (children, tenures, lineage: await LineageReader.LoadAsync(conn, null, knownAt, [], ct));
        });
        var children = found.SelectMany(f => f.children).OrderBy(r => r.RegionCode).ToList();
        var tenures = found.SelectMany(f => f.tenures).OrderBy(t => t.RegionCode).ThenBy(t => t.OpenedOn).Take(500).ToList();
        // A succession's predecessors must be registered where it is recorded (its province's database), so the databases' lineages only add up.
        var lineage = Lineage.Empty;
        foreach (var link in found.SelectMany(f => f.lineage.AllLinks)) lineage.Add(link);

        async Task<BalanceSheet> SheetAsync(LocalDate f, LocalDate t) => SheetMerge.Sum(
            await topology.EachAsync(databases, (d, _) => new SheetQuery(d.Db).BalanceSheetAsync(new SheetRequest(code, f, t, knownAt), ct)));
        var sheet = await SheetAsync(from, to);
        var years = new List<BalanceSheet>();
        for (var y = to.Year - 9; y <= to.Year; y++) years.Add(await SheetAsync(new LocalDate(y, 1, 1), new LocalDate(y, 12, 31)));

        var title = region is null ? ui.T("全国", "The nation") : $"{region.Name}（{code}）";
        var b = new StringBuilder();
        b.Append(Breadcrumb(ui, code, http.Client()));
        b.Append(await LineagePanel.HtmlAsync(ui, code, lineage, session, PeriodQuery(from, to, knownAt), ct));
        b.Append($"<p><a href=\"/ui/regions/{code}/map?asOf={to:yyyy-MM-dd}\">{ui.T("查看一张图（图斑、红线、矿区与叠加）", "Open the map (parcels, red lines, mines and overlaps)")}</a></p>");
        b.Append($"<h2 id=\"children\">{ui.T("下级地区", "Regions below")}</h2>");
        b.Append(children.Count == 0
            ? $"<p class=\"muted\">{ui.T("没有下级地区。", "No regions below this one.")}</p>"
            : "<ul class=\"cards\">" + string.Concat(children.Select(c => $"<li><a href=\"/ui/regions/{c.RegionCode}{PeriodQuery(from, to, knownAt)}\">{Ui.E(c.Name)}</a><br><span class=\"muted\">{c.RegionCode} · {LevelName(ui, c.Level)}{LineagePanel.RetiredNote(ui, lineage, c.RegionCode)}</span></li>")) + "</ul>");

        b.Append($"<h2 id=\"sheet\">{ui.T("资产负债表", "Balance sheet")}</h2>");
        b.Append(PeriodForm(ui, $"/ui/regions/{code}", from, to, knownAt, level));
        b.Append(SheetTable(ui, code, sheet));
        b.Append(InOutTable.Render(ui, sheet));
        b.Append(Liabilities(ui, code, sheet));
        b.Append(WaterTable(ui, code, sheet));
        b.Append(LandQuotaTable.Render(ui, code, sheet));
        b.Append(LandUseTable.Render(ui, code, sheet, level));
        b.Append(TransitionMatrix.Render(ui, code, sheet, level));
        // The downloads hold the land-use classes at the level on the page, and the matrix as the API gives it.
        var api = $"/api/v1/regions/{code}/balance-sheet{PeriodQuery(from, to, knownAt)}&amp;landUseLevel={level}";
        var transitions = $"/api/v1/regions/{code}/land-use/transitions{PeriodQuery(from, to, knownAt)}&amp;level={level}";
        b.Append($"<p class=\"downloads\">{ui.T("下载", "Download")}: <a href=\"{api}&amp;format=csv\">CSV</a> <a href=\"{api}&amp;format=xlsx\">XLSX</a> <a href=\"{api}\">JSON</a> " +
            $"<a href=\"{transitions}\">{ui.T("地类转移矩阵 JSON", "Transitions JSON")}</a></p>");

        b.Append($"<h2 id=\"charts\">{ui.T("图表", "Charts")}</h2><div class=\"charts\">");
        foreach (var account in Charted)
        {
            var points = years.Select(s => new PointInTime(s.To, s.Stock(account).Closing)).ToList();
            b.Append(ReportHtml.Figure($"{SheetLabels.Account(account)} {ui.T("年末存量", "year-end stock")} {years[0].From.Year}–{to.Year} (ha)", Chart.Stock(points)));
        }
        foreach (var s in sheet.Stocks.Where(s => s.Additions.Count + s.Reductions.Count > 0))
        {
            string Label(string cause) => ui.English ? cause : CauseLabels.Chinese(cause);
            var bars = s.Additions.Select(a => (Label(a.Cause), a.Amount)).Concat(s.Reductions.Select(r => (Label(r.Cause), -r.Amount))).ToList();
            var (shapes, height) = Chart.Bars(bars);
            b.Append(ReportHtml.Figure($"{SheetLabels.Account(s.Account)} {ui.T("本期按原因的变动", "changes by cause in the period")} (ha)", shapes, height));
        }
        b.Append("</div>");

        b.Append($"<h2 id=\"tenures\">{ui.T("领导干部任期", "Leaders' tenures")}</h2>");
        b.Append(Ui.Table(ui.T("任期（点击进入可生成离任审计报告）", "Tenures (open one to issue a departure audit)"),
            [ui.T("任期", "Tenure"), ui.T("姓名", "Official"), ui.T("职务", "Post"), ui.T("地区", "Region"), ui.T("开始", "Start"), ui.T("结束", "End")],
            tenures.Select(t => new[]
            {
                $"<a href=\"/ui/tenures/{Ui.Q(TenureKey(t))}\">{Ui.E(TenureKey(t))}</a>", Ui.E(t.OfficialName), Ui.E(ReportText.Post(t.Post)), t.RegionCode,
                Ui.Date(t.OpenedOn), t.EndedOn is { } e ? Ui.Date(e) : ui.T("在任", "in office"),
            })));
        return ui.Page(title, b.ToString());
    }

    public static async Task<IResult> Provenance(HttpContext http, string code, Topology topology, IClock clock, CancellationToken ct)
    {
        var ui = new Ui(http);
        if (await CheckRegionAsync(ui, code, topology, ct) is { } refused) return refused;
        var (period, problem) = ReadPeriod(ui, clock);
        if (problem is not null) return problem;
        var (from, to, knownAt) = period;
        var account = ui.Query("account");
        var part = ui.Query("part") is { Length: > 0 } p ? p : "closing";
        var cause = ui.Query("cause") is { Length: > 0 } c ? c : null;
        var water = Ledger.Investigations.Provenance.YearAccounts.Contains(account);
        var stock = Accounts.Stocks.Contains(account) || account == Accounts.RedLineEncroachedOpen;
        int? year = int.TryParse(ui.Query("year"), out var y) && y is >= 1949 and <= 9999 ? y : null;
        // A land-use figure is one class's (or 一级类's); a transition's also names the class on the other side.
        var landUse = account == Accounts.LandUse;
        var (landClass, otherClass) = landUse ? (ui.Query("class"), ui.Query("otherClass")) : ("", "");
        var classes = landUse ? Ledger.LandUse.LandClasses.Expand(landClass) : null;
        var others = otherClass.Length > 0 ? Ledger.LandUse.LandClasses.Expand(otherClass) : null;
        if (landUse && (classes is null || (otherClass.Length > 0 && others is null)))
            return ui.Error(400, ui.T("土地资源的数字须带 class（三调地类或一级类，如 0301、03）；otherClass 如有，也须是地类。",
                "A land-use figure needs class (a survey class or main class, such as 0301 or 03); otherClass, when given, must be one too."));
        if (!(stock || water || landUse) || !Ledger.Investigations.Provenance.Parts.Contains(part) || (water && year is null))
            return ui.Error(400, ui.T($"account 须为 {string.Join("、", Accounts.Stocks)}、waterQuota、waterUse、{string.Join("、", LandQuotaProvenance.Accounts)}、landUse 之一（用水与用地指标须带 year）；part 须为 opening、additions、reductions、closing 之一。",
                $"account must be one of {string.Join(", ", Accounts.Stocks)}, waterQuota, waterUse, {string.Join(", ", LandQuotaProvenance.Accounts)}, landUse (water and land quotas need a year); part one of opening, additions, reductions, closing."));
        var databases = topology.Holding(code);
        var afterText = ui.Query("after");
        if (afterText.Length > 0 && !(long.TryParse(afterText, out var a) && a >= 0 && NationalPages.DatabaseOf(a) < databases.Count))
            return ui.Error(400, ui.T("after 须为上一页给出的下一页位置（非负整数）。", "after must be the next-page position the previous page gave (a whole number ≥ 0)."));
        var after = afterText.Length > 0 ? long.Parse(afterText) : 0;
        const int pageSize = 200;
        // The nation's figure with shards is every database's: so are its total, count and flows, page by page.
        var query = new ProvenanceQuery(code, account, cause, part, from, to, knownAt, after, pageSize, year, classes, others);
        var found = await topology.EachAsync(databases, (d, i) => Ledger.Investigations.Provenance.FindAsync(d.Db, query with { After = NationalPages.AfterIn(after, i) }, ct));
        var (flows, next) = NationalPages.Join(found.Select(f => f.Flows).ToList(), pageSize, f => f.Sequence);
        var (total, count) = (found.Sum(f => f.Total), found.Sum(f => f.Count));
        string Sequence(int database, long sequence) => topology.Sharded ? $"{Ui.E(databases[database].Name)} #{sequence}" : sequence.ToString();

        var b = new StringBuilder();
        b.Append($"""
            <p>{ui.T("下列流量（及其事件）相加正好等于资产负债表上的数字。", "These flows (and the events behind them) add up exactly to the balance-sheet figure.")}</p>
            <dl class="kv"><dt>{ui.T("科目", "Account")}</dt><dd>{Ui.E(AccountName(account))}</dd><dt>{ui.T("部分", "Part")}</dt><dd>{(water ? $"{year} {ui.T("年", "")}" : Ui.E(PartName(ui, part)))}{(landUse ? $" · {LandUseTable.ClassName(ui, landClass)}{(otherClass.Length > 0 ? $" → {LandUseTable.ClassName(ui, otherClass)}" : "")}" : "")}{(cause is null ? "" : $" · {Ui.E(cause)}")}</dd>
            <dt>{ui.T("期间", "Period")}</dt><dd>{Ui.Date(from)} — {Ui.Date(to)}</dd><dt>{ui.T("数据截至", "Known at")}</dt><dd>{Ui.Instant(knownAt)}</dd>
            <dt>{ui.T("合计", "Total")}</dt><dd><strong id="provenance-total">{Ui.Num(total)}</strong> {(Ledger.Investigations.Provenance.WaterAccounts.Contains(account) ? "10^4 m3" : "ha")} · {count:N0} {ui.T("条流量", "flows")}</dd></dl>
            <p><a href="/ui/regions/{code}{PeriodQuery(from, to, knownAt)}#sheet">{ui.T("返回资产负债表", "Back to the balance sheet")}</a></p>
            """);
        b.Append(Ui.Table(ui.T("流量与事件", "Flows and events"),
            [ui.T("序号", "Sequence"), ui.T("流", "Stream"), ui.T("地区", "Region"), ui.T("原因", "Cause"), ui.T("生效日期", "Effective"), ui.T("记录时间", "Recorded"), ui.T("数量", "Amount")],
            flows.Select(row => new[]
            {
                Sequence(row.Database, row.Row.Sequence), StreamLink(row.Row.Stream), row.Row.RegionCode, Cause(ui, row.Row.Cause), Ui.Date(row.Row.EffectiveDate),
                Ui.Instant(row.Row.RecordedAt), Ui.Numeric(Ui.Num(row.Row.Amount)),
            })));
        if (next is not null)
            b.Append($"<p><a href=\"{http.Request.Path}?account={account}&amp;part={part}{(year is null ? "" : $"&amp;year={year}")}{(cause is null ? "" : $"&amp;cause={Ui.Q(cause)}")}{(landUse ? $"&amp;class={Ui.Q(landClass)}&amp;otherClass={Ui.Q(otherClass)}" : "")}&amp;{PeriodQuery(from, to, knownAt)[1..]}&amp;after={next}\">{ui.T("下一页", "Next page")}</a></p>");
        return ui.Page(ui.T("数字的来源", "Where the figure comes from"), b.ToString());
    }

    /// <summary>A stream id (<c>domain:key</c>) as a link to its timeline.</summary>
    public static string StreamLink(string streamId)
    {
        var colon = streamId.IndexOf(':');
        return colon < 0 ? Ui.E(streamId) : $"<a href=\"/ui/streams/{streamId[..colon]}/{Ui.Q(streamId[(colon + 1)..])}\">{Ui.E(streamId)}</a>";
    }

    public static string TenureKey(TenureState t) => t.Id[(t.Id.IndexOf(':') + 1)..];

    /// <summary>Well-formed, inside the key's scope (before anything is said about databases), and registered.</summary>
    internal static async Task<IResult?> CheckRegionAsync(Ui ui, string code, Topology topology, CancellationToken ct)
    {
        if (!RegionCodes.IsWellFormed(code)) return ui.Error(400, ui.T("地区代码须为六位数字（GB/T 2260）。", "A region code is six digits (GB/T 2260)."));
        var client = ui.Http.Client();
        if (!client.CanSee(code))
            return ui.Error(403, ui.T($"地区 {code} 不在密钥的范围 {client.Scope} 之内。", $"Region {code} is outside the key's scope {client.Scope}."));
        if (code == RegionCodes.Nation) return null;
        await using var session = topology.For(code).Store.QuerySession();
        return await session.LoadAsync<RegionState>(EventCatalog.StreamId("region", code), ct) is null
            ? ui.Error(404, ui.T($"地区 {code} 尚未登记。", $"Region {code} is not registered."))
            : null;
    }

    internal static ((LocalDate From, LocalDate To, Instant KnownAt) Period, IResult? Problem) ReadPeriod(Ui ui, IClock clock)
    {
        var now = clock.GetCurrentInstant();
        var lastYear = now.InZone(AuditReader.LedgerZone).Year - 1;
        var from = Ui.ParseDate(ui.Query("from"), out var badFrom) ?? new LocalDate(lastYear, 1, 1);
        var to = Ui.ParseDate(ui.Query("to"), out var badTo) ?? new LocalDate(lastYear, 12, 31);
        var knownAt = Ui.ParseInstant(ui.Query("knownAt"), out var badKnown) ?? now;
        string? error = null;
        if (badFrom || badTo) error = ui.T("日期格式为 YYYY-MM-DD。", "Dates are YYYY-MM-DD.");
        else if (badKnown) error = ui.T("“数据截至”须为 UTC 时间，如 2026-03-01T08:00。", "'Known at' must be a UTC time such as 2026-03-01T08:00.");
        else if (from > to) error = ui.T("开始日期不能晚于结束日期。", "The start must not be after the end.");
        else if (from.Year < 1949 || to.Year > lastYear + 2) error = ui.T("期间须在 1949 年之后、不超过明年。", "The period must lie between 1949 and next year.");
        return ((from, to, knownAt), error is null ? null : ui.Error(400, error));
    }

    /// <summary>
    /// The period and knowledge time as a query string (HTML-escaped), carried from page to page.
    /// The instant keeps its fraction: a provenance page must select exactly what the figure did.
    /// </summary>
    internal static string PeriodQuery(LocalDate from, LocalDate to, Instant knownAt) =>
        $"?from={Ui.Date(from)}&amp;to={Ui.Date(to)}&amp;knownAt={Ui.Q(NodaTime.Text.InstantPattern.ExtendedIso.Format(knownAt))}";

    /// <summary>The period form; it keeps the land-use level chosen, so a new period does not fold the 二级类 back up.</summary>
    private static string PeriodForm(Ui ui, string action, LocalDate from, LocalDate to, Instant knownAt, int level) => $"""
        <form method="get" action="{action}" class="inline" aria-label="{ui.T("期间与数据截至时间", "Period and knowledge time")}">
        {(level == 1 ? "" : $"<input type=\"hidden\" name=\"landUseLevel\" value=\"{level}\">")}
        {Ui.Field("from", ui.T("开始日期", "From"), $"<input id=\"from\" name=\"from\" type=\"date\" value=\"{Ui.Date(from)}\" required>")}
        {Ui.Field("to", ui.T("结束日期", "To"), $"<input id=\"to\" name=\"to\" type=\"date\" value=\"{Ui.Date(to)}\" required>")}
        {Ui.Field("knownAt", ui.T("数据截至（UTC）", "Known at (UTC)"), $"<input id=\"knownAt\" name=\"knownAt\" type=\"datetime-local\" step=\"1\" value=\"{Ui.InputValue(knownAt)}\" aria-describedby=\"knownAt-hint\">", ui.T("当时已记录的数据", "what had been recorded by then"))}
        <button type="submit" class="primary">{ui.T("查看", "Show")}</button>
        </form>
        """;

    private static string SheetTable(Ui ui, string code, BalanceSheet sheet)
    {
        string Link(string account, string part, decimal amount, string? cause = null) =>
            $"<td class=\"n\"><a href=\"/ui/regions/{code}/provenance{PeriodQuery(sheet.From, sheet.To, sheet.KnownAt)}&amp;account={account}&amp;part={part}{(cause is null ? "" : $"&amp;cause={Ui.Q(cause)}")}\" aria-label=\"{Ui.E($"{SheetLabels.Account(account)} {PartName(ui, part)} {cause} {Ui.Num(amount)}")}\">{Ui.Num(amount)}</a></td>";
        var rows = new List<string[]>();
        foreach (var s in sheet.Stocks)
        {
            rows.Add([$"<strong>{Ui.E(SheetLabels.Account(s.Account))}</strong>", Link(s.Account, "opening", s.Opening), Link(s.Account, "additions", s.TotalAdditions),
                Link(s.Account, "reductions", s.TotalReductions), Link(s.Account, "closing", s.Closing), s.Unit]);
            foreach (var a in s.Additions) rows.Add([$"　＋ {Cause(ui, a.Cause)}", "<td></td>", Link(s.Account, "additions", a.Amount, a.Cause), "<td></td>", "<td></td>", ""]);
            foreach (var r in s.Reductions) rows.Add([$"　− {Cause(ui, r.Cause)}", "<td></td>", "<td></td>", Link(s.Account, "reductions", r.Amount, r.Cause), "<td></td>", ""]);
        }
        return Ui.Table($"{ui.T("实物量资产负债表", "Physical asset accounts")} {Ui.Date(sheet.From)} — {Ui.Date(sheet.To)} · {ui.T("数据截至", "known at")} {Ui.Instant(sheet.KnownAt)}",
            [ui.T("科目", "Account"), ui.T("期初", "Opening"), ui.T("增加", "Additions"), ui.T("减少", "Reductions"), ui.T("期末", "Closing"), ui.T("单位", "Unit")], rows, "sheet");
    }

    /// <summary>A cause in the page's language, with its code beside the Chinese name.</summary>
    private static string Cause(Ui ui, string cause) =>
        ui.English ? Ui.E(cause) : $"{Ui.E(CauseLabels.Chinese(cause))} <small class=\"muted\">{Ui.E(cause)}</small>";

    private static string Liabilities(Ui ui, string code, BalanceSheet sheet)
    {
        var all = sheet.Stocks.SelectMany(s => s.Liabilities).Concat(sheet.Water.Liabilities).ToList();
        if (all.Count == 0) return $"<p class=\"ok\">{ui.T("本期末无负债。", "No liabilities at the end of the period.")}</p>";
        return $"<h3>{ui.T("负债", "Liabilities")}</h3>" + string.Concat(all.Select(l =>
        {
            // Liabilities that are a stock's closing figure link to its flows (the sum matches);
            // target shortfalls compare a stock with a target, whose figures are linked in the table above.
            var account = l.Kind switch
            {
                "miningDamagedUnreclaimed" => Accounts.MiningDamagedUnreclaimed,
                "redLineEncroachmentsOpen" => Accounts.RedLineEncroachedOpen,
                _ => null,
            };
            var amount = account is not null
                ? $"<a href=\"/ui/regions/{code}/provenance{PeriodQuery(sheet.From, sheet.To, sheet.KnownAt)}&amp;account={account}&amp;part=closing\">{Ui.Num(l.Amount)}</a>"
                // Overlaps found by the ledger: their list, and where they are, is the map page.
                : l.Kind is OverlapLiabilities.RedLineKind or OverlapLiabilities.PermanentBasicKind
                    ? $"<a href=\"/ui/regions/{code}/map?asOf={sheet.To:yyyy-MM-dd}&amp;knownAt={Ui.Q(NodaTime.Text.InstantPattern.ExtendedIso.Format(sheet.KnownAt))}#overlaps\">{Ui.Num(l.Amount)}</a>"
                    : Ui.Num(l.Amount);
            return $"<div class=\"liability\" role=\"note\"><strong>{Ui.E(ui.T(CauseLabels.Liability(l.Kind), l.Kind))}</strong>: {amount} · <span class=\"muted\">{Ui.E(l.Detail)}</span></div>";
        }));
    }

    private static string WaterTable(Ui ui, string code, BalanceSheet sheet)
    {
        string Link(string account, int year, decimal amount) =>
            $"<td class=\"n\"><a href=\"/ui/regions/{code}/provenance{PeriodQuery(sheet.From, sheet.To, sheet.KnownAt)}&amp;account={account}&amp;year={year}\">{Ui.Num(amount)}</a></td>";
        return Ui.Table(ui.T("用水总量（万立方米）", "Water use (10^4 m3)"), [ui.T("年度", "Year"), ui.T("控制指标", "Quota"), ui.T("用水量", "Use"), ui.T("超用", "Overuse")],
            sheet.Water.Years.Select(y => new[]
            {
                y.Year.ToString(), Link(Accounts.WaterQuota, y.Year, y.Quota), Link(Accounts.WaterUse, y.Year, y.Use), Ui.Numeric(Ui.Num(y.Overuse), y.Overuse > 0),
            }));
    }

    private static string AccountName(string account) => account switch
    {
        Accounts.WaterQuota => "用水总量控制指标 water quota",
        Accounts.WaterUse => "用水量 water use",
        Accounts.RedLineEncroachedOpen => "生态保护红线被侵占未整改面积 red-line area encroached, not rectified",
        Accounts.LandQuota => "占用耕地指标 farmland-occupation quota",
        Accounts.LandQuotaNewConstruction => "新增建设用地指标 new-construction-land quota",
        LandQuotaProvenance.Used => "依法批准占用耕地 approved farmland occupation",
        LandQuotaProvenance.Illegal => "违法占用耕地 illegal farmland occupation",
        Accounts.LandUse => "土地资源 land use",
        _ => SheetLabels.Account(account),
    };

    private static string Breadcrumb(Ui ui, string code, ApiClient client)
    {
        var trail = new List<string>();
        if (client.Scope == RegionCodes.Nation) trail.Add(RegionCodes.Nation);
        if (code != RegionCodes.Nation)
        {
            var province = code[..2] + "0000";
            var prefecture = code[..4] + "00";
            foreach (var c in new[] { province, prefecture }.Distinct().Where(c => c != code && client.CanSee(c))) trail.Add(c);
        }
        if (trail.Count == 0) return "";
        return $"<nav aria-label=\"{ui.T("上级地区", "Regions above")}\" class=\"muted\">" +
            string.Join(" › ", trail.Select(c => $"<a href=\"/ui/regions/{c}\">{(c == RegionCodes.Nation ? ui.T("全国", "Nation") : c)}</a>")) + $" › {code}</nav>";
    }

    private static string LevelName(Ui ui, string level) => level switch
    {
        "province" => ui.T("省级", "province"),
        "prefecture" => ui.T("地级", "prefecture"),
        _ => ui.T("县级", "county"),
    };

    private static string PartName(Ui ui, string part) => part switch
    {
        "opening" => ui.T("期初", "opening"),
        "additions" => ui.T("增加", "additions"),
        "reductions" => ui.T("减少", "reductions"),
        _ => ui.T("期末", "closing"),
    };
}
