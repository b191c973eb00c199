using System.Net;
using Ledger.Api.Workbench;
using Ledger.Tests.Support;
using NodaTime;
using Shouldly;
using static Ledger.Tests.Workbench.WorkbenchForms;

namespace Ledger.Tests.Workbench;

/// <summary>How workbench sessions end.</summary>
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
}
