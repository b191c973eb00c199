using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Spatial;
using Ledger.Tests.Support;
using NodaTime;
using NodaTime.Text;
using Shouldly;
using static Ledger.Tests.Ogc.OgcTests;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Ogc;

/// <summary>OGC items pages: keyset order, next links pinned to what the server chose, page sizes.</summary>
[Collection(LedgerCollection.Name)]
public sealed class OgcPagingTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410102");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task pages_follow_next_links_and_stay_the_same_while_events_arrive()
    {
        var first = await JsonAsync($"{Root}/collections/redline/items?limit=1");
        Ids(first).ShouldBe([MapScenario.ZoneKey]);
        first.GetProperty("numberMatched").GetInt64().ShouldBe(2);
        var next = Next(first)!;
        next.ShouldContain("knownAt=");
        next.ShouldContain("datetime=2026-03-01");
        next.ShouldContain("limit=1");
        next.ShouldContain("knownThrough=catalogue%3A");

        // Recorded after the first page was read, and sorting between its two zones: a page read as of now would show it next.
        app.Clock.Advance(Duration.FromMinutes(5));
        var writer = await app.KeyAsync("writer", "410000");
        (await app.PostEventsAsync(writer, Zone("410102-RL015").With("effectiveDate", "2022-01-01").Drawn(Geo.Cell(20, 20, 1, 1))))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var second = await JsonAsync(new Uri(next).PathAndQuery);
        Ids(second).ShouldBe([MapScenario.LaterZoneKey]);
        second.GetProperty("numberMatched").GetInt64().ShouldBe(2);
        Next(second).ShouldBeNull();

        var afresh = await JsonAsync($"{Root}/collections/redline/items?limit=1&after={MapScenario.ZoneKey}");
        Ids(afresh).ShouldBe(["410102-RL015"]);
        afresh.GetProperty("numberMatched").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task a_batch_that_took_its_instant_before_the_first_page_but_committed_after_it_stays_off_later_pages()
    {
        var first = await JsonAsync($"{Root}/collections/redline/items?limit=1");
        var knownAt = InstantPattern.ExtendedIso.Parse(Query(Next(first)!, "knownAt")).Value;

        // A batch in flight when the first page was read: its recorded instant (taken before it commits) is before knownAt.
        var now = app.Clock.GetCurrentInstant();
        app.Clock.Reset(knownAt.Minus(Duration.FromSeconds(1)));
        var writer = await app.KeyAsync("writer", "410000");
        var posted = await app.PostEventsAsync(writer, Zone("410102-RL015").With("effectiveDate", "2022-01-01").Drawn(Geo.Cell(20, 20, 1, 1)));
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        app.Clock.Reset(now);
        var recorded = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0].GetProperty("recordedAt").GetString()!;
        InstantPattern.ExtendedIso.Parse(recorded).Value.ShouldBeLessThan(knownAt);

        var second = await JsonAsync(new Uri(Next(first)!).PathAndQuery);
        Ids(second).ShouldBe([MapScenario.LaterZoneKey]);
        second.GetProperty("numberMatched").GetInt64().ShouldBe(2);
        // Without the chain position, the same knownAt shows it: the pin is what keeps it off.
        var byInstantAlone = await JsonAsync($"{Root}/collections/redline/items?limit=1&after={MapScenario.ZoneKey}&knownAt={Format(knownAt)}");
        Ids(byInstantAlone).ShouldBe(["410102-RL015"]);
    }

    private static string Query(string url, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(url).Query)[name].ToString();

    [Theory]
    [InlineData("20000", 10_000)]
    [InlineData("99999999999999999999999", 10_000)]
    [InlineData("10000", 10_000)]
    [InlineData("007", 7)]
    public void a_limit_beyond_the_maximum_is_served_as_the_maximum(string limit, int served)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Request.QueryString = new Microsoft.AspNetCore.Http.QueryString($"?limit={limit}");
        var q = new Ledger.Api.Ogc.OgcParameters(http, Ledger.Api.Ogc.OgcParameters.ItemsNames);
        q.Limit().ShouldBe(served);
        q.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task a_walk_counts_on_its_first_page_only_and_says_where_a_page_spent_its_time()
    {
        var first = await app.SendAsync(HttpMethod.Get, $"{Root}/collections/redline/items?limit=1", _auditor);
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var timing = ServerTiming(first);
        timing.Keys.ShouldBe(["check", "queue", "setup", "page", "count", "read", "build"]);
        timing.Values.ShouldAllBe(ms => ms >= 0);
        timing["count"].ShouldBeGreaterThan(0); // more than a page matched: counted apart

        var next = Next(await first.Content.ReadFromJsonAsync<JsonElement>())!;
        var second = await app.SendAsync(HttpMethod.Get, new Uri(next).PathAndQuery, _auditor);
        second.StatusCode.ShouldBe(HttpStatusCode.OK);
        ServerTiming(second)["count"].ShouldBe(0); // taken from the walk's first page
    }

    private static Dictionary<string, double> ServerTiming(HttpResponseMessage response) =>
        response.Headers.GetValues("Server-Timing").Single().Split(", ").Select(p => p.Split(";dur="))
            .ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task a_huge_limit_is_a_page_of_everything_there_is()
    {
        var page = await JsonAsync($"{Root}/collections/redline/items?limit=99999999999999999999999");
        page.GetProperty("numberReturned").GetInt64().ShouldBe(2);
        Next(page).ShouldBeNull();
    }

    [Fact]
    public async Task a_page_ends_early_at_the_byte_cap_and_the_next_links_bring_the_rest()
    {
        // One byte of GeoJSON per answer: every page holds its first feature only, whatever the limit.
        await using var bounded = new BoundedMapHost(app, new Ledger.Spatial.MapLimits(20_000, 1, TimeSpan.FromSeconds(10)));
        var ids = new List<string>();
        var url = $"{Root}/collections/overlaps/items?limit=100";
        for (var pages = 0; url is not null; pages++)
        {
            pages.ShouldBeLessThan(10);
            var response = await bounded.GetAsync(url, _auditor);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            page.GetProperty("numberReturned").GetInt64().ShouldBe(1);
            page.GetProperty("numberMatched").GetInt64().ShouldBe(4);
            ids.AddRange(Ids(page));
            url = Next(page) is { } next ? new Uri(next).PathAndQuery : null;
        }
        ids.Count.ShouldBe(4);
        ids.ShouldBeUnique();
        ids.ShouldBe(ids.Order(StringComparer.Ordinal).ToList());
    }


    private Task<JsonElement> JsonAsync(string url) => new OgcReader(app, _auditor).JsonAsync(url);
}
