using System.Net;
using System.Text;
using Ledger.Api.Workbench;
using Ledger.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Shouldly;

namespace Ledger.Tests.Workbench;

/// <summary>
/// Behind a TLS-terminating proxy the session cookie is <c>__Host-</c> and Secure, as long as the
/// proxy is one we trust. The TestServer leaves a request's remote address null, which
/// UseForwardedHeaders lets through as "nothing to check": these requests set it, so the check is made.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class WorkbenchProxyTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _auditor = await app.KeyAsync("auditor");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task behind_a_loopback_tls_proxy_the_cookie_is_host_prefixed_and_secure_and_only_that_name_is_accepted_over_https()
    {
        var signIn = await SignInThrough(app.Server, IPAddress.Loopback, _auditor);

        var cookie = signIn.Response.Headers.SetCookie.ToString();
        cookie.ShouldStartWith($"{WorkbenchSessions.SecureCookie}=");
        cookie.ShouldContain("secure", Case.Insensitive);
        cookie.ShouldContain("path=/", Case.Insensitive);
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
        cookie.ShouldNotContain("domain", Case.Insensitive);

        var token = cookie.Split(';')[0].Split('=', 2)[1];
        (await PageThrough(app.Server, IPAddress.Loopback, $"{WorkbenchSessions.SecureCookie}={token}")).Response.StatusCode.ShouldBe(200);
        (await PageThrough(app.Server, IPAddress.Loopback, $"{WorkbenchSessions.Cookie}={token}")).Response.StatusCode.ShouldBe(302,
            "over HTTPS only the __Host- cookie counts: a plain one could have been planted over HTTP");
    }

    [Fact]
    public async Task a_forwarded_https_from_an_untrusted_address_is_ignored_unless_it_is_listed_in_ledger_trusted_proxies()
    {
        var stranger = IPAddress.Parse("203.0.113.9");
        var plain = (await SignInThrough(app.Server, stranger, _auditor)).Response.Headers.SetCookie.ToString();
        plain.ShouldStartWith($"{WorkbenchSessions.Cookie}=");
        plain.ShouldNotContain("secure", Case.Insensitive);

        // A setting, like the rate-limit test's: UseSetting would reach Program as command-line arguments.
        Environment.SetEnvironmentVariable("LEDGER_TRUSTED_PROXIES", "192.0.2.1, 203.0.113.9");
        await using var behindProxy = app.NewFactory();
        try
        {
            behindProxy.CreateClient().Dispose(); // the host reads its settings here
        }
        finally
        {
            Environment.SetEnvironmentVariable("LEDGER_TRUSTED_PROXIES", null);
        }
        var secure = (await SignInThrough(behindProxy.Server, stranger, _auditor)).Response.Headers.SetCookie.ToString();
        secure.ShouldStartWith($"{WorkbenchSessions.SecureCookie}=");
        secure.ShouldContain("secure", Case.Insensitive);
    }

    /// <summary>A sign-in as a TLS-terminating proxy at <paramref name="remote"/> passes it on: plain HTTP with X-Forwarded-Proto: https.</summary>
    private static Task<HttpContext> SignInThrough(TestServer server, IPAddress remote, string key) => server.SendAsync(c =>
    {
        Through(c, remote);
        c.Request.Method = "POST";
        c.Request.Path = "/ui/sign-in";
        c.Request.ContentType = "application/x-www-form-urlencoded";
        c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes($"apiKey={Uri.EscapeDataString(key)}"));
    });

    private static Task<HttpContext> PageThrough(TestServer server, IPAddress remote, string cookie) => server.SendAsync(c =>
    {
        Through(c, remote);
        c.Request.Method = "GET";
        c.Request.Path = "/ui/audits";
        c.Request.Headers.Cookie = cookie;
    });

    private static void Through(HttpContext c, IPAddress remote)
    {
        c.Connection.RemoteIpAddress = remote;
        c.Request.Scheme = "http";
        c.Request.Host = new HostString("ledger.example");
        c.Request.Headers["X-Forwarded-Proto"] = "https";
        c.Request.Headers["X-Forwarded-For"] = "198.51.100.7";
    }
}
