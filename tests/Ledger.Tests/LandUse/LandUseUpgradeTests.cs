using System.Net;
using System.Text.Json;
using Ledger.Tests.BalanceSheets;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.LandUse;

/// <summary>A ledger from before contract 1.8 (farmland rows unlabelled, no land-use totals) is upgraded at migration to the same rows a fresh ingest writes.</summary>
[Collection(LedgerCollection.Name)]
public sealed class LandUseUpgradeTests(LedgerApp app)
{
    [Fact]
    public async Task an_old_ledger_gets_the_labels_totals_and_sheet_a_fresh_one_has()
    {
        await app.ResetAsync();
        var writer = await app.KeyAsync("writer");
        var auditor = await app.KeyAsync("auditor");
        (await app.PostEventsAsync(writer, SheetScenario.Events())).StatusCode.ShouldBe(HttpStatusCode.OK);
        var fresh = await LandUse(auditor);
        var labels = await app.ScalarAsync<string>("select string_agg(concat_ws(',', seq, account, land_class, other_class), ';' order by seq, account) from ledger.flows");
        labels.ShouldContain("farmland,0101,0201"); // the 2025 conversion to orchard, by the default table

        await app.ExecuteSqlAsync("update ledger.flows set land_class = null, other_class = null; truncate ledger.landuse_totals");
        await using (var owner = NpgsqlDataSource.Create(app.ConnectionString))
        {
            var said = new List<string>();
            await Ledger.Flows.LandUseUpgrade.RunAsync(owner, said.Add);
            said.Last().ShouldContain("farmland flows labelled");
            said.Clear();
            await Ledger.Flows.LandUseUpgrade.RunAsync(owner, said.Add);
            said.ShouldBeEmpty(); // nothing left to label: a second start does nothing
            (await Ledger.Integrity.DerivedCheck.RunAsync(owner, null, default)).ShouldBeEmpty();
        }
        (await app.ScalarAsync<string>("select string_agg(concat_ws(',', seq, account, land_class, other_class), ';' order by seq, account) from ledger.flows"))
            .ShouldBe(labels);
        (await LandUse(auditor)).ShouldBe(fresh);
    }

    private async Task<string> LandUse(string key)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{County}/balance-sheet?from=2025-01-01&to=2025-12-31&landUseLevel=2", key);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return LandUseTests.Account(JsonDocument.Parse(body).RootElement, "landUse").GetRawText();
    }
}
