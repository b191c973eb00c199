using System.Net;
using System.Text.Json;
using Ledger.Flows;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.LandQuota.LandQuotaScenario;

namespace Ledger.Tests.LandQuota;

/// <summary>The land-quota flows and stream states are derived data like the others: a rebuild reproduces them, verify checks them.</summary>
[Collection(LedgerCollection.Name)]
public sealed class LandQuotaIntegrityTests(LedgerApp app) : IAsyncLifetime
{
    private readonly NpgsqlDataSource _db = NpgsqlDataSource.Create(app.ConnectionString);
    private string _investigator = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var posted = await app.PostEventsAsync(await app.KeyAsync("writer"), [.. QuotaEvents(), Adjustment()]);
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        _investigator = await app.KeyAsync("investigator");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task a_rebuild_reproduces_the_quota_flows_and_finds_a_tampered_one()
    {
        var lines = new List<string>();
        (await new FlowRebuilder(_db, lines.Add).RunAsync(replace: false, CancellationToken.None)).Matches.ShouldBeTrue(string.Join('\n', lines));
        (await Verify()).GetProperty("ok").GetBoolean().ShouldBeTrue();

        await app.ExecuteSqlAsync("update ledger.flows set amount = amount + 1 where account = 'landQuota' and cause = 'adjustment'");
        var check = await new FlowRebuilder(_db, _ => { }).RunAsync(replace: false, CancellationToken.None);
        (check.MissingFromLive, check.ExtraInLive).ShouldBe((1, 1));
        (await Verify()).GetProperty("problems").EnumerateArray().ShouldContain(p => p.GetProperty("table").GetString() == "flows");
    }

    [Fact]
    public async Task a_changed_quota_state_is_named_by_verify()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync(
            "update ledger.mt_doc_landquotastate set data = jsonb_set(data, '{farmlandOccupationHa}', '99') where id = 'landquota:410102-2024'");
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse();
        result.GetProperty("problems").EnumerateArray().Single(p => p.GetProperty("table").GetString() == "mt_doc_landquotastate")
            .GetProperty("what").GetString()!.ShouldContain("landquota:410102-2024");
    }

    private async Task<JsonElement> Verify()
    {
        var response = await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", _investigator);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
