using System.Security.Cryptography;
using System.Text;
using Ledger.Api.Workbench;

namespace Ledger.Api.Http;

/// <summary>
/// What a browser may do with an answer. Every answer: no MIME sniffing, so a JSON or text answer
/// holding a client's words is never run as a script or shown as a page. Workbench pages may load
/// scripts, styles, workers and data from this origin only — the one inline stylesheet by its hash,
/// no inline script at all — may not be framed (clickjacking), and send the Referer only to this
/// origin. API answers may load nothing; the printable report keeps its inline styles.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>
    /// <c>img-src data:</c> is for MapLibre's control icons (data URLs in its CSS); its tile workers are a
    /// module script from <c>/ui/assets</c>, so <c>worker-src 'self'</c> is enough, no <c>blob:</c>.
    /// </summary>
    public static readonly string Workbench = string.Join("; ",
        "default-src 'self'", "script-src 'self'", $"style-src 'self' 'sha256-{Sha256(WorkbenchCss.Css)}'", "img-src 'self' data:",
        "worker-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'");

    public const string Api = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    /// <summary>
    /// Same-origin, not no-referrer: under no-referrer a browser sends <c>Origin: null</c> with a form
    /// post, and the workbench refuses posts whose Origin is not its own.
    /// </summary>
    public const string WorkbenchReferrer = "same-origin";

    /// <summary>First in the pipeline; the headers are set as the answer starts, so error pages (after the exception handler clears the response) carry them too.</summary>
    public static void UseSecurityHeaders(this WebApplication app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            if (http.Request.Path.StartsWithSegments("/ui"))
            {
                headers.ContentSecurityPolicy = Workbench;
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = WorkbenchReferrer;
            }
            else if (http.Request.Path.StartsWithSegments("/api"))
                headers.ContentSecurityPolicy = Api;
            return Task.CompletedTask;
        });
        return next(http);
    });

    private static string Sha256(string text) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
