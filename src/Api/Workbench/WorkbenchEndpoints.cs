using Ledger.Access;
using Ledger.Api.Access;

namespace Ledger.Api.Workbench;

/// <summary>Routes of the auditor workbench under <c>/ui</c>. Every page but sign-in needs a session.</summary>
public static class WorkbenchEndpoints
{
    public static void MapWorkbench(this WebApplication app)
    {
        app.MapGet("/", () => Results.Redirect("/ui")).ExcludeFromDescription();
        app.MapGet("/ui/sign-in", SignInForm).ExcludeFromDescription();
        app.MapPost("/ui/sign-in", SignIn).ExcludeFromDescription().DisableAntiforgery();
        app.MapGet("/ui/lang", Language).ExcludeFromDescription();
        app.MapGet("/ui/assets/{*path}", WorkbenchAssets.Serve).ExcludeFromDescription();

        var pages = app.MapGroup("/ui").ExcludeFromDescription().AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (CrossSite(http) is { } refused) return refused;
            // WorkbenchSessionMiddleware resolved the session already (before the rate limiter).
            if (http.Items[typeof(ApiClient)] is not ApiClient client)
                return Results.Redirect($"/ui/sign-in?next={Uri.EscapeDataString(http.Request.Path + http.Request.QueryString)}");
            if (client.Role is Role.Writer or Role.Admin && !http.Request.Path.StartsWithSegments("/ui/sign-out"))
                return new Ui(http).Error(403, NotForReaders(new Ui(http), client));
            return await next(context);
        });
        pages.MapGet("", (HttpContext http) => Results.Redirect($"/ui/regions/{http.Client().Scope}"));
        pages.MapPost("/sign-out", SignOut).DisableAntiforgery();
        pages.MapGet("/regions/{code}", RegionPages.Region);
        pages.MapGet("/regions/{code}/provenance", RegionPages.Provenance);
        pages.MapGet("/regions/{code}/map", MapPage.Page);
        pages.MapGet("/regions/{code}/tiles/{z}/{x}/{y}.mvt", MapPage.Tile);
        pages.MapGet("/tenures/{id}", AuditPages.Tenure);
        pages.MapPost("/tenures/{id}/audits", AuditPages.Create).DisableAntiforgery();
        pages.MapGet("/audits", AuditPages.List);
        pages.MapGet("/audits/{id}", AuditPages.Report);
        pages.MapGet("/audits/{id}/compare", AuditPages.Compare);
        pages.MapGet("/streams/{domain}/{key}", StreamPages.Timeline);
        pages.MapGet("/investigations", StreamPages.BackDating);
        pages.MapGet("/verify", StreamPages.Verify);
    }

    /// <summary>
    /// Forms post only from our own pages: SameSite=Strict keeps the cookie off cross-site
    /// requests; a foreign Origin is refused outright as well (sign-in included: a foreign page
    /// must not sign a browser in or out).
    /// </summary>
    private static IResult? CrossSite(HttpContext http) =>
        HttpMethods.IsPost(http.Request.Method) && http.Request.Headers.Origin is { Count: > 0 } origin
            && !string.Equals(origin.ToString(), $"{http.Request.Scheme}://{http.Request.Host}", StringComparison.OrdinalIgnoreCase)
            ? new Ui(http).Error(403, "cross-site form posts are refused")
            : null;

    private static IResult SignInForm(HttpContext http) => SignInPage(new Ui(http), null, 200);

    private static async Task<IResult> SignIn(HttpContext http, WorkbenchSessions sessions, AddressLimiter addresses)
    {
        if (CrossSite(http) is { } refused) return refused;
        var ui = new Ui(http);
        // A sign-in looks its key up in the database: held to the same per-address limit as unknown API keys.
        if (addresses.Refuse(http) is not null)
            return SignInPage(ui, ui.T("登录尝试过于频繁，请稍后再试。", "Too many sign-in attempts from this address; try again in a moment."), 429);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var key = form["apiKey"].ToString().Trim();
        if (key.Length == 0) return SignInPage(ui, ui.T("请输入 API 密钥。", "Enter an API key."), 400);
        // Writer and admin keys get no session: they may not read, so there would be nothing to do with one.
        var client = await sessions.OpenAsync(http, key, c => c.Role is Role.Auditor or Role.Investigator, http.RequestAborted);
        if (client is null) return SignInPage(ui, ui.T("密钥无效或已被吊销。", "The key is unknown or revoked."), 401);
        if (client.Role is Role.Writer or Role.Admin) return SignInPage(ui, NotForReaders(ui, client), 403);
        var next = form["next"].ToString();
        // Only our own pages: never an open redirect.
        return Results.Redirect(next.StartsWith("/ui", StringComparison.Ordinal) && !next.StartsWith("//", StringComparison.Ordinal) ? next : "/ui");
    }

    private static string NotForReaders(Ui ui, ApiClient client) => ui.T(
        $"工作台供审计和调查人员使用；密钥“{client.Name}”的角色是 {ApiClient.RoleName(client.Role)}。",
        $"The workbench is for auditors and investigators; the key '{client.Name}' has role {ApiClient.RoleName(client.Role)}.");

    private static async Task<IResult> SignOut(HttpContext http, WorkbenchSessions sessions)
    {
        await sessions.CloseAsync(http, http.RequestAborted);
        return Results.Redirect("/ui/sign-in");
    }

    private static IResult Language(HttpContext http)
    {
        var to = http.Request.Query["to"].ToString() == "en" ? "en" : "zh";
        http.Response.Cookies.Append(Ui.LangCookie, to, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, Path = "/", MaxAge = TimeSpan.FromDays(365) });
        var back = http.Request.Query["back"].ToString();
        return Results.Redirect(back.StartsWith("/ui", StringComparison.Ordinal) && !back.StartsWith("//", StringComparison.Ordinal) ? back : "/ui");
    }

    private static IResult SignInPage(Ui ui, string? error, int status)
    {
        var next = ui.Query("next");
        var body = $"""
            <p>{ui.T("使用审计或调查角色的 API 密钥登录。密钥只用于本次会话，浏览器只保存一个会话标识（HttpOnly Cookie）。",
                "Sign in with an auditor or investigator API key. The key is used for this session only; the browser keeps just a session id (an HttpOnly cookie).")}</p>
            <p class="muted" id="desktop-keys">{ui.T("同一密钥也用于桌面 GIS 与脚本（QGIS、ArcGIS、GDAL）：放在 X-Api-Key 请求头中，或作为 HTTP 基本认证（Basic）的密码，用户名任意。地图页的“在 QGIS 中打开”给出连接步骤。",
                "The same key serves desktop GIS and scripts (QGIS, ArcGIS, GDAL): in the X-Api-Key header, or as the password of HTTP Basic authentication with any user name. The map page's “Open in QGIS” gives the steps.")}</p>
            {(error is null ? "" : $"<p class=\"error\" role=\"alert\" id=\"sign-in-error\">{Ui.E(error)}</p>")}
            <form method="post" action="/ui/sign-in" class="inline">
            {Ui.Field("apiKey", ui.T("API 密钥", "API key"), $"<input id=\"apiKey\" name=\"apiKey\" type=\"password\" autocomplete=\"current-password\" required{(error is null ? "" : " aria-describedby=\"sign-in-error\"")}>")}
            <input type="hidden" name="next" value="{Ui.E(next)}">
            <button type="submit" class="primary">{ui.T("登录", "Sign in")}</button>
            </form>
            """;
        return ui.Page(ui.T("登录", "Sign in"), body, status);
    }
}
