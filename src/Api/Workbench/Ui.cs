using System.Globalization;
using System.Net;
using System.Text;
using Ledger.Access;
using Ledger.Api.Access;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Workbench;

/// <summary>
/// One workbench request: the signed-in client, the language (中文 first, English by switch)
/// and the page layout. Pages are plain server-rendered HTML: no script, no build step.
/// </summary>
public sealed class Ui(HttpContext http)
{
    public const string LangCookie = "ledger_lang";

    public HttpContext Http { get; } = http;
    public bool English { get; } = http.Request.Cookies.TryGetValue(LangCookie, out var l) && l == "en";
    public ApiClient? Client => Http.Items[typeof(ApiClient)] as ApiClient;

    /// <summary>The text in the page's language.</summary>
    public string T(string zh, string en) => English ? en : zh;

    public static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    public static string Q(string? s) => Uri.EscapeDataString(s ?? "");

    public static string Num(decimal? d) => d is { } v ? Ledger.Audit.Departure.Measures.Number(v) : "—";

    public static string Date(LocalDate d) => Ledger.Audit.Reports.ReportText.Date(d);

    public static string Instant(Instant i) => Ledger.Audit.Reports.ReportText.Instant(i);

    public string Query(string name) => Http.Request.Query[name].ToString();

    public IResult Page(string title, string body, int status = 200)
    {
        var client = Client;
        var path = Http.Request.Path + Http.Request.QueryString;
        var nav = new StringBuilder();
        if (client is not null)
        {
            nav.Append($"<a href=\"/ui/regions/{E(client.Scope)}\">{T("地区与资产负债表", "Regions and balance sheets")}</a>");
            nav.Append($"<a href=\"/ui/audits\">{T("离任审计报告", "Audit reports")}</a>");
            if (client.Has(Role.Investigator))
            {
                nav.Append($"<a href=\"/ui/investigations\">{T("补录与更正", "Back-dating and corrections")}</a>");
                nav.Append(Http.RequestServices.GetRequiredService<VerifyStatus>().Indicator(this));
            }
        }
        var user = client is null ? "" : $"""
            <span class="who">{E(client.Name)} · {E(ApiClient.RoleName(client.Role))} · {T("范围", "scope")} {E(client.Scope)}</span>
            <form method="post" action="/ui/sign-out"><button type="submit" class="link">{T("退出", "Sign out")}</button></form>
            """;
        var other = English ? ("zh", "中文") : ("en", "English");
        var html = $"""
            <!doctype html>
            <html lang="{(English ? "en" : "zh-CN")}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} · {T("自然资源资产账本", "Land-resource ledger")}</title>
            <style>{WorkbenchCss.Css}</style></head>
            <body><a class="skip" href="#main">{T("跳到正文", "Skip to content")}</a>
            <header class="top"><a class="brand" href="/ui">{T("自然资源资产账本 · 审计工作台", "Land-resource ledger · Auditor workbench")}</a>
            <nav aria-label="{T("主导航", "Main")}">{nav}</nav>
            <div class="user">{user}<a href="/ui/lang?to={other.Item1}&amp;back={Q(path)}" lang="{(English ? "zh-CN" : "en")}">{other.Item2}</a></div></header>
            <main id="main"><h1>{E(title)}</h1>
            {body}
            </main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>A readable error page: what went wrong and where to go, never a stack trace.</summary>
    public IResult Error(int status, string message) =>
        Page(status switch
        {
            400 => T("请求有误", "Bad request"),
            403 => T("无权访问", "Not allowed"),
            404 => T("未找到", "Not found"),
            422 => T("无法执行", "Cannot be done"),
            429 => T("请求过于频繁", "Too many requests"),
            _ => T("出错了", "Something went wrong"),
        }, $"""<p class="error" role="alert">{E(message)}</p><p><a href="/ui">{T("返回首页", "Back to the start")}</a></p>""", status);

    /// <summary>A labelled form field (every input has a visible label).</summary>
    public static string Field(string id, string label, string input, string? hint = null) =>
        $"""<div class="field"><label for="{id}">{label}</label>{input}{(hint is null ? "" : $"<small id=\"{id}-hint\">{hint}</small>")}</div>""";

    public static string Table(string caption, IEnumerable<string> headers, IEnumerable<IEnumerable<string>> rows, string? css = null)
    {
        var s = new StringBuilder($"<div class=\"scroll\" role=\"region\" aria-label=\"{E(caption)}\" tabindex=\"0\"><table{(css is null ? "" : $" class=\"{css}\"")}><caption>{E(caption)}</caption><thead><tr>");
        foreach (var h in headers) s.Append($"<th scope=\"col\">{h}</th>");
        s.Append("</tr></thead><tbody>");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            s.Append("<tr>");
            // A cell given whole (a figure's <td class="n">, a row header's <th scope="row">) is kept as it is.
            foreach (var cell in row) s.Append(cell.StartsWith("<td", StringComparison.Ordinal) || cell.StartsWith("<th", StringComparison.Ordinal) ? cell : $"<td>{cell}</td>");
            s.Append("</tr>");
        }
        if (!any) s.Append($"<tr><td colspan=\"{headers.Count()}\" class=\"empty\">—</td></tr>");
        return s.Append("</tbody></table></div>").ToString();
    }

    public static string Numeric(string text, bool bad = false) => $"<td class=\"n{(bad ? " bad" : "")}\">{text}</td>";

    /// <summary>Reads an instant from a form or query: ISO-8601 UTC, or a datetime-local value taken as UTC.</summary>
    public static Instant? ParseInstant(string raw, out bool invalid)
    {
        invalid = false;
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var iso = InstantPattern.ExtendedIso.Parse(raw);
        if (iso.Success) return iso.Value;
        foreach (var pattern in new[] { "uuuu-MM-dd'T'HH:mm", "uuuu-MM-dd'T'HH:mm:ss" })
        {
            var local = LocalDateTimePattern.CreateWithInvariantCulture(pattern).Parse(raw);
            if (local.Success) return local.Value.InUtc().ToInstant();
        }
        invalid = true;
        return null;
    }

    public static LocalDate? ParseDate(string raw, out bool invalid)
    {
        invalid = false;
        if (string.IsNullOrWhiteSpace(raw)) return null;
        var r = LocalDatePattern.Iso.Parse(raw);
        invalid = !r.Success;
        return r.Success ? r.Value : null;
    }

    /// <summary>An instant as a datetime-local input value (UTC).</summary>
    public static string InputValue(Instant? i) => i is { } v ? v.InUtc().LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) : "";
}
