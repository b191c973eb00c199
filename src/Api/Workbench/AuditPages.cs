using System.Text;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Audit.BalanceSheets;
using Ledger.Audit.Departure;
using Ledger.Audit.Reports;
using Ledger.Events;
using Ledger.Regions;
using Ledger.Tenures;
using Marten;
using NodaTime;

namespace Ledger.Api.Workbench;

/// <summary>A tenure, issuing its departure audit, and reading reports (with downloads and the comparison with today).</summary>
public static class AuditPages
{
    public static async Task<IResult> Tenure(HttpContext http, string id, Hosting.Topology topology, ReportStore reports, CancellationToken ct)
    {
        var ui = new Ui(http);
        var (tenure, refused) = await LoadTenureAsync(ui, id, topology, ct);
        if (refused is not null) return refused;
        var (low, high) = SheetQuery.CodeRange(tenure!.RegionCode);
        var issued = await reports.ListAsync(low, high, id, 100, ct);
        var sets = RuleSets.All.Values.OrderBy(r => r.Key == RuleSets.Default ? 0 : 1).ThenBy(r => r.Key).ToList();
        var zones = sets[0].Zones;

        var b = new StringBuilder($"""
            <dl class="kv">
            <dt>{ui.T("姓名", "Official")}</dt><dd>{Ui.E(tenure.OfficialName)}（{Ui.E(tenure.OfficialId)}）</dd>
            <dt>{ui.T("职务", "Post")}</dt><dd>{Ui.E(ReportText.Post(tenure.Post))}</dd>
            <dt>{ui.T("地区", "Region")}</dt><dd><a href="/ui/regions/{tenure.RegionCode}">{tenure.RegionCode}</a></dd>
            <dt>{ui.T("任期", "Tenure")}</dt><dd>{Ui.Date(tenure.OpenedOn)} — {(tenure.EndedOn is { } e ? Ui.Date(e) : ui.T("在任", "in office"))}</dd>
            <dt>{ui.T("记录", "Records")}</dt><dd><a href="/ui/streams/tenure/{Ui.Q(id)}">{ui.T("任期事件", "The tenure's events")}</a></dd>
            </dl>
            <h2 id="issue">{ui.T("生成离任审计报告", "Issue a departure audit")}</h2>
            <form method="post" action="/ui/tenures/{Ui.Q(id)}/audits" class="inline">
            {Ui.Field("ruleSet", ui.T("评价规则", "Rule set"), "<select id=\"ruleSet\" name=\"ruleSet\">" + string.Concat(sets.Select(r => $"<option value=\"{Ui.E(r.Key)}\">{Ui.E(ui.T(r.Title, r.TitleEn))} ({Ui.E(r.Key)})</option>")) + "</select>")}
            {Ui.Field("functionalZone", ui.T("主体功能区", "Main functional zone"), "<select id=\"functionalZone\" name=\"functionalZone\">" + string.Concat(zones.Select(z => $"<option value=\"{z.Key}\"{(z.Key == sets[0].DefaultZone ? " selected" : "")}>{Ui.E(z.Value)} ({z.Key})</option>")) + "</select>")}
            {Ui.Field("knownAt", ui.T("数据截至（UTC，可空）", "Known at (UTC, optional)"), "<input id=\"knownAt\" name=\"knownAt\" type=\"datetime-local\" step=\"1\" aria-describedby=\"knownAt-hint\">", ui.T("空 = 现在", "empty = now"))}
            {WeightFields(ui, sets[0])}
            {(tenure.EndedOn is null ? Ui.Field("interim", ui.T("期中审计（任期未结束）", "Interim audit (tenure not ended)"), "<input id=\"interim\" name=\"interim\" type=\"checkbox\" value=\"true\" checked>") : "")}
            <button type="submit" class="primary">{ui.T("生成报告", "Issue the report")}</button>
            </form>
            <h2 id="reports">{ui.T("已出具的报告", "Reports issued")}</h2>
            """);
        b.Append(ReportList(ui, issued));
        return ui.Page($"{ui.T("任期", "Tenure")} {id}", b.ToString());
    }

    public static async Task<IResult> Create(HttpContext http, string id, Audits.ShardAudits shards, Hosting.Topology topology, IClock clock,
        CancellationToken ct)
    {
        var ui = new Ui(http);
        var (tenure, refused) = await LoadTenureAsync(ui, id, topology, ct);
        if (refused is not null) return refused;
        var audits = await shards.ForTenureAsync(id, ct);
        var form = await http.Request.ReadFormAsync(ct);
        var rules = RuleSets.Find(form["ruleSet"].ToString() is { Length: > 0 } r ? r : RuleSets.Default);
        if (rules is null) return ui.Error(400, ui.T("未知的评价规则。", "Unknown rule set."));
        var zone = form["functionalZone"].ToString() is { Length: > 0 } z ? z : null;
        if (zone is not null && !rules.Zones.ContainsKey(zone)) return ui.Error(400, ui.T("主体功能区不属于该规则。", "That functional zone is not in the rule set."));
        var now = clock.GetCurrentInstant();
        var knownAt = Ui.ParseInstant(form["knownAt"].ToString(), out var bad) ?? now;
        if (bad) return ui.Error(400, ui.T("“数据截至”须为 UTC 时间，如 2026-03-01T08:00。", "'Known at' must be a UTC time such as 2026-03-01T08:00."));
        if (knownAt > now) return ui.Error(400, ui.T("“数据截至”不能是将来。", "'Known at' must not be in the future."));
        var interim = form["interim"].ToString() == "true" && tenure!.EndedOn is null;
        var weights = new Dictionary<string, decimal>();
        foreach (var m in rules.Modules)
        {
            var raw = form[$"weight-{m.Id}"].ToString();
            if (raw.Length == 0) continue;
            if (!decimal.TryParse(raw, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var points))
                return ui.Error(400, ui.T($"{m.Name} 的分值须为数字。", $"The points for {m.NameEn} must be a number."));
            weights[m.Id] = points;
        }
        var chosen = weights.Count == 0 ? null : weights;
        var (_, refusedWeights) = rules.Weights(zone ?? rules.DefaultZone, chosen);
        if (refusedWeights.Count > 0) return ui.Error(400, string.Join("; ", refusedWeights.Select(e => $"{e.Field} {e.Message}")));

        var client = http.Client();
        var (issued, refusal) = await audits.CreateAsync(new AuditRequest(id, knownAt, interim, rules.Key, zone, client.Name, chosen), rules, knownAt,
            client.CanSee, client.Scope, ct);
        if (refusal is not null) return ui.Error(refusal.Status, refusal.Detail);
        return Results.Redirect($"/ui/audits/{issued!.Stored.Id}", permanent: false, preserveMethod: false);
    }

    public static async Task<IResult> List(HttpContext http, ReportStore reports, CancellationToken ct)
    {
        var ui = new Ui(http);
        var (low, high) = SheetQuery.CodeRange(http.Client().Scope);
        var list = await reports.ListAsync(low, high, null, 200, ct);
        return ui.Page(ui.T("离任审计报告", "Departure-audit reports"),
            $"<p>{ui.T("在地区页面的任期列表中选择任期以生成新报告。", "To issue a new report, open a tenure from a region's page.")}</p>" + ReportList(ui, list));
    }

    public static async Task<IResult> Report(HttpContext http, string id, DepartureAudits audits, Ledger.Chain.LogKeys logKeys, CancellationToken ct)
    {
        var ui = new Ui(http);
        var (stored, refused) = await FindAsync(ui, id, audits, ct);
        if (refused is not null) return refused;
        var r = ReportJson.Deserialize(stored!.Content);
        var api = $"/api/v1/audits/{r.ReportId}";
        var b = new StringBuilder();
        if (r.Interim) b.Append($"<p class=\"error\">{Ui.E(ReportText.InterimMark)}</p>");
        b.Append($"""
            <p>{ui.T("总分", "Score")} <span class="grade" id="score">{Ui.Num(r.Score)}</span> · {ui.T("等次", "Grade")} <span class="grade" id="grade">{Ui.E(ui.T(r.Grade, r.GradeEn))}</span></p>
            <p class="downloads"><strong>{ui.T("下载", "Download")}:</strong>
            <a href="{api}.pdf" id="download-pdf" download>PDF</a> <a href="{api}.html">{ui.T("打印版 HTML", "Printable HTML")}</a>
            <a href="{api}.xlsx" download>XLSX</a> <a href="{api}">JSON</a>{(logKeys.Enabled ? EvidenceLink(ui, api) : "")}
            <a href="/ui/audits/{r.ReportId}/compare">{ui.T("与当前数据比较", "Compare with what is known now")}</a></p>
            {(logKeys.Enabled ? EvidenceHint(ui) : "")}
            """);
        b.Append(Ui.Table(ui.T("基本情况", "Tenure"), [ui.T("项目", "Item"), ui.T("内容", "Value")], ReportText.Facts(r).Select(f => new[] { Ui.E(f.Label), Ui.E(f.Value) })));
        b.Append(Ui.Table(ui.T("评分", "Scores"), [ui.T("模块", "Module"), ui.T("满分", "Max"), ui.T("扣分", "Deducted"), ui.T("得分", "Score")],
            r.Modules.Select(m => new[] { Ui.E(ui.T(m.Name, m.NameEn)), Ui.Numeric(Ui.Num(m.MaxPoints)), Ui.Numeric(Ui.Num(m.Deducted), m.Deducted > 0), Ui.Numeric(Ui.Num(m.Score)) })));
        b.Append(Ui.Table(ui.T("指标", "Indicators"),
            [ui.T("指标", "Indicator"), ui.T("任期初", "Start"), ui.T("任期末", "End"), ui.T("变化", "Change"), ui.T("约束目标", "Target"), ui.T("达标", "Compliance")],
            r.Indicators.Select(i => new[]
            {
                $"{Ui.E(ui.T(i.Name, i.NameEn))} ({Ui.E(i.Unit)})<br><small class=\"muted\">{string.Join(" · ", i.Parts.Select(p => $"{Ui.E(ui.T(p.Name, p.NameEn))} {Ui.E(ReportText.Part(p))}"))}</small>",
                Figure(r, i, "opening", i.Start), Figure(r, i, "closing", i.End), Ui.Numeric(Ui.Num(i.Change)), Ui.Numeric(Ui.Num(i.Target)),
                $"<td class=\"{(i.Compliant == false ? "bad" : i.Compliant == true ? "ok" : "muted")}\">{Ui.E(ReportText.Compliance(i.Compliant))}</td>",
            })));
        b.Append($"<h2 id=\"findings\">{ui.T("审计发现", "Findings")} ({r.Findings.Count})</h2>");
        if (r.Findings.Count == 0) b.Append($"<p class=\"ok\">{ui.T("未发现问题。", "No findings.")}</p>");
        foreach (var f in r.Findings)
        {
            b.Append($"<section aria-labelledby=\"f-{Ui.E(f.Id)}\"><h3 id=\"f-{Ui.E(f.Id)}\">{Ui.E(f.RuleId)} · {Ui.E(ReportText.Severity(f.Severity))}{(f.Deduction > 0 ? $" · −{Ui.Num(f.Deduction)}" : "")}</h3>");
            b.Append($"<p>{Ui.E(f.Statement)}<br><span class=\"muted\">{Ui.E(f.StatementEn)}</span></p>");
            b.Append(Ui.Table($"{ui.T("证据", "Evidence")} {f.RuleId} ({f.Evidence.Count})",
                [ui.T("流", "Stream"), ui.T("版本", "Version"), ui.T("类型", "Type"), ui.T("生效", "Effective"), ui.T("记录", "Recorded"), ui.T("提交方", "Client"), ui.T("事件", "Event id")],
                f.Evidence.Take(200).Select(e => new[]
                {
                    $"<a href=\"/ui/streams/{e.Domain}/{Ui.Q(e.Stream)}#v{e.Version}\">{Ui.E(e.Domain)}/{Ui.E(e.Stream)}</a>", e.Version.ToString(), Ui.E(e.Type), Ui.Date(e.EffectiveDate),
                    Ui.Instant(e.RecordedAt), Ui.E(e.Client), $"<code>{e.EventId}</code>",
                })));
            if (f.Evidence.Count > 200) b.Append($"<p class=\"muted\">{ui.T($"另有 {f.Evidence.Count - 200} 条，见 XLSX/JSON。", $"{f.Evidence.Count - 200} more in the XLSX/JSON.")}</p>");
            b.Append("</section>");
        }
        b.Append($"<h2 id=\"charts\">{ui.T("图表", "Charts")}</h2><div class=\"charts\">");
        foreach (var i in r.Indicators.Where(i => i.Series.Count > 0 && i.Id != "water"))
            b.Append(ReportHtml.Figure($"{ui.T(i.Name, i.NameEn)} ({i.Unit})", Chart.Stock(i.Series)));
        b.Append(ReportHtml.Figure(ui.T("用水总量与控制指标（万立方米）", "Water use against quota (10^4 m3)"), Chart.Water(r.WaterYears)));
        b.Append($"</div><p class=\"muted\">SHA-256: <code>{stored.ContentSha256}</code></p>");
        return ui.Page($"{ui.T("离任审计报告", "Departure audit")} · {r.Tenure.OfficialName} · {r.Tenure.RegionName}", b.ToString());
    }

    public static async Task<IResult> Compare(HttpContext http, string id, DepartureAudits audits, Audits.ShardAudits shards, CancellationToken ct)
    {
        var ui = new Ui(http);
        var (stored, refused) = await FindAsync(ui, id, audits, ct);
        if (refused is not null) return refused;
        // Regenerated from the tenure's own database (its province's).
        var tenureAudits = await shards.ForTenureAsync(stored!.TenureId, ct);
        var c = await tenureAudits.CompareAsync(stored, ct);
        if (c is null) return ui.Error(409, ui.T("现在无法读取该任期。", "The tenure cannot be read as known now."));
        var b = new StringBuilder($"""
            <p class="{(c.Reproducible ? "ok" : "bad")}" id="reproducible">{(c.Reproducible
                ? ui.T("可复现：按报告的数据截至时间与高水位重新生成，结果逐字节相同。", "Reproducible: regenerated at the report's knowledge point, it is byte-for-byte the same.")
                : ui.T("不可复现：重新生成的结果与存档不同——证据可能被改动，请核查账本校验。", "Not reproducible: the regenerated report differs from the stored one — evidence may have been altered; check the ledger verification."))}</p>
            <p><a href="/ui/audits/{c.ReportId}">{ui.T("返回报告", "Back to the report")}</a></p>
            """);
        b.Append(Ui.Table(ui.T("数值变化", "Changed values"), [ui.T("项目", "Item"), ui.T("报告时", "Then"), ui.T("现在", "Now")],
            c.Changes.Select(x => new[] { Ui.E(x.Item), Ui.E(x.Then), Ui.E(x.Now) })));
        b.Append(Ui.Table(ui.T("发现变化", "Changed findings"), [ui.T("规则", "Rule"), ui.T("变化", "Change"), ui.T("报告时", "Then"), ui.T("现在", "Now")],
            c.Findings.Select(x => new[] { Ui.E(x.RuleId), Ui.E(x.Change), Ui.E(x.Then), Ui.E(x.Now) })));
        b.Append(Ui.Table(ui.T("此后到达的记录", "Records that arrived since"), [ui.T("流", "Stream"), ui.T("类型", "Type"), ui.T("生效", "Effective"), ui.T("记录", "Recorded"), ui.T("原因", "Why it matters")],
            c.Arrived.Select(a => new[]
            {
                $"<a href=\"/ui/streams/{a.Event.Domain}/{Ui.Q(a.Event.Stream)}\">{Ui.E(a.Event.Domain)}/{Ui.E(a.Event.Stream)}</a>", Ui.E(a.Event.Type),
                Ui.Date(a.Event.EffectiveDate), Ui.Instant(a.Event.RecordedAt), Ui.E(a.Reason),
            })));
        return ui.Page(ui.T("与当前数据比较", "Compared with what is known now"), b.ToString());
    }

    /// <summary>The evidence bundle (contract 1.6): offered only by a ledger that keeps its transparency log.</summary>
    private static string EvidenceLink(Ui ui, string api) =>
        $""" <a href="{api}/evidence" id="download-evidence" download aria-describedby="evidence-hint" title="{ui.T("可离线核验的证据包（ZIP）", "An evidence bundle to check offline (ZIP)")}">{ui.T("证据包", "Evidence bundle")}</a>""";

    private static string EvidenceHint(Ui ui) =>
        $"""<p class="muted" id="evidence-hint">{ui.T(
            "证据包内有报告原文、报告所引每个事件的规范文本，以及各事件在透明日志中的包含证明和签名检查点。无需连接本系统即可核验：<code>ledger-verify evidence 证据包.zip --policy 策略文件</code>（策略文件用您信任的那份，见 docs/verifier.md）。日志尚未覆盖本报告时返回 202，请稍后再试。",
            "The bundle holds the report as issued, the canonical text of every event it cites, and each event's inclusion proof in the transparency log with the signed checkpoint. Check it without access to this system: <code>ledger-verify evidence BUNDLE.zip --policy POLICY</code> (a policy you trust; see docs/verifier.md). While the log does not yet cover the report the link answers 202: try again shortly.")}</p>""";

    /// <summary>
    /// A stock indicator's start or end value, linked to the balance-sheet provenance of the same
    /// figure (the tenure as the period, the report's knowledge instant).
    /// </summary>
    private static string Figure(DepartureReport r, Indicator i, string part, decimal? value)
    {
        var account = i.Id switch
        {
            "farmland" or "permanentBasicFarmland" or "redLine" => i.Id,
            "miningRestoration" => Ledger.Flows.Accounts.MiningDamagedUnreclaimed,
            _ => null,
        };
        if (account is null || value is null) return Ui.Numeric(Ui.Num(value));
        var query = RegionPages.PeriodQuery(r.Tenure.Start, r.Tenure.End, r.KnownAt);
        return $"<td class=\"n\"><a href=\"/ui/regions/{r.Tenure.RegionCode}/provenance{query}&amp;account={account}&amp;part={part}\">{Ui.Num(value)}</a></td>";
    }

    /// <summary>Optional module points: each within its bracket for the chosen zone (checked on submit), all adding up to 100.</summary>
    private static string WeightFields(Ui ui, RuleSet rules)
    {
        var fields = rules.Modules.Select(m =>
        {
            var brackets = string.Join(" · ", rules.Zones.Select(z => $"{ui.T(z.Value, z.Key)} {Ui.Num(m.Points[z.Key].Min)}–{Ui.Num(m.Points[z.Key].Max)}"));
            return Ui.Field($"weight-{m.Id}", Ui.E(ui.T(m.Name, m.NameEn)),
                $"<input id=\"weight-{m.Id}\" name=\"weight-{m.Id}\" type=\"number\" min=\"0\" max=\"100\" step=\"0.5\" aria-describedby=\"weight-{m.Id}-hint\">",
                Ui.E(brackets));
        });
        return $"<fieldset class=\"weights\"><legend>{ui.T("模块分值（可选；空 = 默认；须在所选功能区的区间内，合计 100）", "Module points (optional; empty = default; within the zone's bracket, adding up to 100)")}</legend>{string.Concat(fields)}</fieldset>";
    }

    private static string ReportList(Ui ui, IReadOnlyList<StoredReport> reports) =>
        Ui.Table(ui.T("报告", "Reports"), [ui.T("报告", "Report"), ui.T("任期", "Tenure"), ui.T("地区", "Region"), ui.T("规则", "Rule set"), ui.T("数据截至", "Known at"), ui.T("出具", "Issued")],
            reports.Select(r => new[]
            {
                $"<a href=\"/ui/audits/{r.Id}\">{r.Id}</a>{(r.Interim ? $" <span class=\"badge\">{ui.T("期中", "interim")}</span>" : "")}", $"<a href=\"/ui/tenures/{Ui.Q(r.TenureId)}\">{Ui.E(r.TenureId)}</a>",
                r.RegionCode, Ui.E(r.RuleSet), Ui.Instant(r.KnownAt), $"{Ui.Instant(r.GeneratedAt)} · {Ui.E(r.GeneratedBy)}",
            }));

    private static async Task<(TenureState? Tenure, IResult? Refused)> LoadTenureAsync(Ui ui, string id, Hosting.Topology topology, CancellationToken ct)
    {
        if (EventCatalog.KeyShapeProblem("tenure", id) is { } bad) return (null, ui.Error(400, ui.T($"任期编号无效：{bad}", $"Not a tenure id: {bad}")));
        // The tenure's own database (its province's).
        await using var session = (await topology.LocateStreamAsync(EventCatalog.StreamId("tenure", id), ct)).Store.QuerySession();
        var tenure = await session.LoadAsync<TenureState>(EventCatalog.StreamId("tenure", id), ct);
        if (tenure is null) return (null, ui.Error(404, ui.T($"没有任期 {id}。", $"No tenure {id}.")));
        var client = ui.Http.Client();
        return client.CanSee(tenure.RegionCode)
            ? (tenure, null)
            : (null, ui.Error(403, ui.T($"任期 {id} 不在密钥范围 {client.Scope} 之内。", $"Tenure {id} is outside the key's scope {client.Scope}.")));
    }

    private static async Task<(StoredReport? Report, IResult? Refused)> FindAsync(Ui ui, string id, DepartureAudits audits, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var reportId)) return (null, ui.Error(400, ui.T("报告编号须为 UUID。", "A report id is a UUID.")));
        var stored = await audits.FindAsync(reportId, ct);
        if (stored is null) return (null, ui.Error(404, ui.T($"没有报告 {id}。", $"No report {id}.")));
        var client = ui.Http.Client();
        return client.CanSee(stored.RegionCode)
            ? (stored, null)
            : (null, ui.Error(403, ui.T($"该报告不在密钥范围 {client.Scope} 之内。", $"The report is outside the key's scope {client.Scope}.")));
    }
}
