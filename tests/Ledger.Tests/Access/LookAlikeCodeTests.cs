using System.Net;
using System.Text.Json;
using Ledger.Investigations;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Access;

/// <summary>
/// The attack the security review reproduced: a provincial writer registers "410102\n", posts
/// farmland into it, and the prefecture grows while no county does. Now refused at the door, and
/// anything stored that way before is reported.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class LookAlikeCodeTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000");
        (await app.PostEventsAsync(_writer, [.. RegionTree(), Parcel()])).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_county_code_with_a_final_newline_is_refused_and_the_sheets_do_not_move()
    {
        var auditor = await app.KeyAsync("auditor", "410000");
        var before = await SheetAsync(auditor);
        var events = await app.EventCountAsync();

        var register = await app.PostEventsAsync(_writer, Region("410102\n", "county", City));
        register.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await register.Content.ReadAsStringAsync()).ShouldContain("\"field\":\"events[0].regionCode\"");

        var farmland = Make("farmland.parcel-registered", "ZZ-1", "410102\n", Parcel()["data"]!.DeepClone().AsObject(), "2021-01-01");
        var post = await app.PostEventsAsync(_writer, farmland.With("data.areaHa", 100m));
        post.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        (await app.EventCountAsync()).ShouldBe(events);
        (await SheetAsync(auditor)).ShouldBe(before);
    }

    [Fact]
    public async Task codes_stored_before_the_rules_were_tightened_are_reported()
    {
        // What an old ledger may hold: rows the earlier regex let in.
        await app.ExecuteSqlAsync("""
            insert into ledger.mt_doc_regionstate (id, data, mt_last_modified, mt_version, mt_dotnet_type)
            select 'region:410102' || chr(10), jsonb_set(data, '{regionCode}', to_jsonb('410102' || chr(10))), now(), gen_random_uuid(), mt_dotnet_type
            from ledger.mt_doc_regionstate where id = 'region:410102';
            insert into ledger.mt_streams (id, type, version, timestamp, created, tenant_id, is_archived)
            select 'farmland:ZZ' || chr(8238) || '1', type, 1, timestamp, created, tenant_id, is_archived
            from ledger.mt_streams where id = 'farmland:410102-000001';
            update ledger.event_index set region_code = '４１０１０２' where seq = (select max(seq) from ledger.event_index);
            """);
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        var problems = await StoredCodeCheck.RunAsync(db, CancellationToken.None);

        problems.Select(p => p.What).ShouldSatisfyAllConditions(
            all => all.ShouldContain(w => w.StartsWith("region region:410102\\u000A")),
            all => all.ShouldContain(w => w.StartsWith("stream farmland:ZZ\\u202E1")),
            all => all.ShouldContain(w => w.StartsWith("event_index:") && w.Contains("４１０１０２")));
        problems.Count.ShouldBe(3);

        var verify = await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", await app.KeyAsync("investigator"));
        var body = JsonDocument.Parse(await verify.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("ok").GetBoolean().ShouldBeFalse();
        body.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("what").GetString())
            .ShouldContain(w => w!.StartsWith("stream farmland:ZZ\\u202E1: its key"));
    }

    private async Task<string> SheetAsync(string key)
    {
        var sheet = await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410100/balance-sheet?from=2021-01-01&to=2024-12-31&knownAt=2030-01-01T00:00:00Z", key);
        var json = JsonDocument.Parse(await sheet.Content.ReadAsStringAsync()).RootElement;
        return json.GetProperty("accounts").GetRawText();
    }
}
