using System.Net;
using Ledger.Api.Workbench;
using Shouldly;

namespace Ledger.Tests.Workbench;

/// <summary>What a browser sends the workbench, by hand: clients that follow no redirects and keep no cookies.</summary>
public static class WorkbenchForms
{
    public static async Task<HttpResponseMessage> SignIn(HttpClient http, string key, string? cookie = null, string? origin = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/ui/sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["apiKey"] = key }),
        };
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        if (origin is not null) request.Headers.Add("Origin", origin);
        return await http.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> Page(HttpClient http, string cookie, string path = "/ui/audits")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }

    /// <summary>"ledger_session=token" from a successful sign-in's Set-Cookie.</summary>
    public static string SessionCookie(HttpResponseMessage signIn)
    {
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith($"{WorkbenchSessions.Cookie}=", StringComparison.Ordinal)).Split(';')[0];
    }
}
