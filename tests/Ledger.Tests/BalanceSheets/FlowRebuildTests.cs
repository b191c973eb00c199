using System.Net;
using Ledger.Flows;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;

namespace Ledger.Tests.BalanceSheets;

[Collection(LedgerCollection.Name)]
public sealed class FlowRebuildTests(LedgerApp app) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var posted = await app.PostEventsAsync(await app.KeyAsync("writer"), SheetScenario.Events());
        posted.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private readonly NpgsqlDataSource _db = NpgsqlDataSource.Create(app.ConnectionString);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task a_rebuild_from_the_events_alone_equals_the_live_flows()
    {
        var lines = new List<string>();
        var result = await new FlowRebuilder(DataSource(), lines.Add).RunAsync(replace: false, CancellationToken.None);

        result.Events.ShouldBe(SheetScenario.Events().Length);
        result.Matches.ShouldBeTrue(string.Join('\n', lines));
    }

    [Fact]
    public async Task a_tampered_flow_is_reported_as_drift_and_a_rebuild_repairs_it()
    {
        await Sql("update ledger.flows set amount = amount + 1 where cause = 'disaster'");

        var check = await new FlowRebuilder(DataSource(), _ => { }).RunAsync(replace: false, CancellationToken.None);
        check.Matches.ShouldBeFalse();
        // The farmland and permanent-basic flows of the flood differ from the rebuild, and the
        // untouched totals no longer match the tampered rows either: 2 flows, 2 flow totals and
        // the land-use total of the farmland row's class, each way.
        check.ExtraInLive.ShouldBe(5);
        check.MissingFromLive.ShouldBe(5);

        await new FlowRebuilder(DataSource(), _ => { }).RunAsync(replace: true, CancellationToken.None);
        (await new FlowRebuilder(DataSource(), _ => { }).RunAsync(replace: false, CancellationToken.None)).Matches.ShouldBeTrue();
    }

    [Fact]
    public async Task tampered_totals_are_reported_as_drift_and_a_rebuild_repairs_them()
    {
        await Sql("update ledger.flow_totals set amount_pos = amount_pos + 1 where cause = 'supplementation-reclamation'");

        (await new FlowRebuilder(DataSource(), _ => { }).RunAsync(replace: false, CancellationToken.None)).Matches.ShouldBeFalse();
        await new FlowRebuilder(DataSource(), _ => { }).RunAsync(replace: true, CancellationToken.None);
        (await new FlowRebuilder(DataSource(), _ => { }).RunAsync(replace: false, CancellationToken.None)).Matches.ShouldBeTrue();
    }

    private NpgsqlDataSource DataSource() => _db;

    private async Task Sql(string sql)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
