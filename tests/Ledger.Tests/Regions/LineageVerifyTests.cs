using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Regions.Lineages;

namespace Ledger.Tests.Regions;

/// <summary>The lineage tables answer to the events in verify: edited as the service's own role (it may insert), the check names them.</summary>
[Collection(LedgerCollection.Name)]
public sealed class LineageVerifyTests(LedgerApp app) : IAsyncLifetime
{
    private string _investigator = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var writer = await app.KeyAsync("writer");
        foreach (var batch in new System.Text.Json.Nodes.JsonObject[][]
                 {
                     [.. Lineages.Regions(), .. Parcels(), Occupy($"{OldCounty}-000001", OldCounty, 1m, "2022-03-01")],
                     [Succeeded(District, "upgrade", "2023-01-01", OldCounty)],
                     [Occupy($"{OldCounty}-000002", OldCounty, 0.5m, "2022-09-01"), Occupy($"{OldCounty}-000001", District, 2m, "2023-06-01")],
                     [Succeeded(Moved, "transfer", "2024-01-01", District)],
                 })
        {
            var posted = await app.PostEventsAsync(writer, batch);
            posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        }
        _investigator = await app.KeyAsync("investigator");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_ledger_with_successions_and_late_records_verifies()
    {
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeTrue(result.ToString());
    }

    [Fact]
    public async Task a_forged_transfer_is_detected()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.transfers (seq, account, from_code, to_code, effective_date, succession_seq, recorded_at, amount)
            select seq, 'farmland', from_code, to_code, effective_date + 1, succession_seq, recorded_at, 100 from ledger.transfers limit 1
            """);
        (await ShouldName("transfers")).GetProperty("what").GetString()!.ShouldStartWith("transfers: 1 row differs");
    }

    [Fact]
    public async Task a_changed_transfer_amount_is_detected()
    {
        await app.ExecuteSqlAsync("update ledger.transfers set amount = amount + 1 where seq = (select min(seq) from ledger.transfers)");
        await ShouldName("transfers");
    }

    [Fact]
    public async Task a_stream_moved_to_another_code_is_detected()
    {
        await app.ExecuteSqlAsync($"update ledger.stream_moves set to_code = '410102' where stream_id = 'farmland:{OldCounty}-000002'");
        await ShouldName("stream_moves");
    }

    [Fact]
    public async Task a_forged_retirement_is_detected()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.successions (seq, predecessor, event_id, successor, reason, effective_date, recorded_at)
            select seq, '410100', event_id, successor, reason, effective_date, recorded_at from ledger.successions limit 1
            """);
        await ShouldName("successions");
    }

    private async Task<JsonElement> ShouldName(string table)
    {
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse(result.ToString());
        var problem = result.GetProperty("problems").EnumerateArray().FirstOrDefault(p => p.GetProperty("table").GetString() == table);
        problem.ValueKind.ShouldBe(JsonValueKind.Object, result.ToString());
        return problem;
    }

    private async Task<JsonElement> Verify()
    {
        var response = await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", _investigator);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
