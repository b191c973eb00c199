using System.Net;
using Ledger.Api.Workbench;
using Ledger.Tests.Support;
using NodaTime;
using Shouldly;
using static Ledger.Tests.Workbench.WorkbenchForms;

namespace Ledger.Tests.Workbench;

/// <summary>How workbench sessions end, who may open one, and that pages count against their key's rate limit.</summary>
[Collection(LedgerCollection.Name)]
public sealed class WorkbenchSessionTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _auditor = await app.KeyAsync("auditor");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task signing_in_again_ends_the_session_the_browser_already_had()
    {
        using var http = app.Server.CreateClient();
        var first = SessionCookie(await SignIn(http, _auditor));
        var second = SessionCookie(await SignIn(http, await app.KeyAsync("investigator"), cookie: first));

        (await Page(http, first)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Page(http, second)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_session_opened_on_one_node_is_served_by_another_and_signing_out_there_ends_it_everywhere()
    {
        // Two service processes over one database, as behind a load balancer (or one node restarted).
        await using var other = app.NewFactory();
        using var first = app.Server.CreateClient();
        using var second = other.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var cookie = SessionCookie(await SignIn(first, _auditor));

        (await Page(second, cookie)).StatusCode.ShouldBe(HttpStatusCode.OK, "the other node knows the session");
        using var signOut = new HttpRequestMessage(HttpMethod.Post, "/ui/sign-out");
        signOut.Headers.Add("Cookie", cookie);
        (await second.SendAsync(signOut)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await Page(first, cookie)).StatusCode.ShouldBe(HttpStatusCode.Redirect, "signed out on one node is signed out on all");
    }

    [Fact]
    public async Task a_session_ends_at_its_absolute_lifetime_however_busy_it_is()
    {
        using var http = app.Server.CreateClient();
        var cookie = SessionCookie(await SignIn(http, _auditor));
        var step = WorkbenchSessions.IdleTimeout - Duration.FromMinutes(10);
        var used = Duration.Zero;
        while (used + step < WorkbenchSessions.AbsoluteLifetime)
        {
            app.Clock.Advance(step);
            used += step;
            (await Page(http, cookie)).StatusCode.ShouldBe(HttpStatusCode.OK, $"in use, {used} after sign-in");
        }
        app.Clock.Advance(step);
        var ended = await Page(http, cookie);
        ended.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        ended.Headers.Location!.OriginalString.ShouldStartWith("/ui/sign-in");
    }

    [Fact]
    public async Task an_unused_session_ends_after_the_idle_timeout()
    {
        using var http = app.Server.CreateClient();
        var cookie = SessionCookie(await SignIn(http, _auditor));
        app.Clock.Advance(WorkbenchSessions.IdleTimeout);
        (await Page(http, cookie)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task a_sign_in_posted_from_a_foreign_origin_is_refused()
    {
        using var http = app.Server.CreateClient();
        var foreign = await SignIn(http, _auditor, origin: "https://evil.example");
        foreign.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        foreign.Headers.Contains("Set-Cookie").ShouldBeFalse();

        (await SignIn(http, _auditor, origin: "http://localhost")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task workbench_pages_count_against_their_key_rate_limit()
    {
        Environment.SetEnvironmentVariable("LEDGER_RATE_LIMIT", "1");
        await using var limited = app.NewFactory();
        HttpClient http;
        try
        {
            http = limited.Server.CreateClient(); // the host reads its settings here
        }
        finally
        {
            Environment.SetEnvironmentVariable("LEDGER_RATE_LIMIT", LedgerApp.TestRateLimit);
        }
        using var _ = http;

        var cookie = SessionCookie(await SignIn(http, _auditor));
        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++) statuses.Add(await Page(http, cookie));

        var refused = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        refused.ShouldNotBeEmpty();
        refused[0].Headers.RetryAfter.ShouldNotBeNull();
        refused[0].Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var other = SessionCookie(await SignIn(http, await app.KeyAsync("auditor", name: "another-auditor")));
        (await Page(http, other)).StatusCode.ShouldBe(HttpStatusCode.OK, "the limit is per key");
    }
}
