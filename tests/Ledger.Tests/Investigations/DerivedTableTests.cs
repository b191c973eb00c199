using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.BalanceSheets;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Investigations;

/// <summary>
/// The tables the sheets and the rules read besides the events, each edited in SQL — as the
/// service's own role wherever it has the right, since that is the threat — and verify names it.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class DerivedTableTests(LedgerApp app) : IAsyncLifetime
{
    private string _investigator = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var posted = await app.PostEventsAsync(await app.KeyAsync("writer"), SheetScenario.Events());
        posted.StatusCode.ShouldBe(HttpStatusCode.OK);
        _investigator = await app.KeyAsync("investigator");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task an_untouched_ledger_verifies_with_no_problems()
    {
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeTrue(result.ToString());
        result.GetProperty("problems").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task a_raised_yearly_total_is_detected()
    {
        // 10^8 ha, in the totals' units of 0.0001 ha: every sheet over that year would show it.
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            update ledger.flow_totals set amount_pos = amount_pos + 1000000000000
            where (region_code, account, cause) = ('410102', 'farmland', 'supplementation-reclamation')
            """);
        var problem = await ShouldName("flow_totals");
        problem.GetProperty("what").GetString()!.ShouldContain("1 row differs from the totals of the flows");
        problem.GetProperty("what").GetString()!.ShouldContain("stored +100000000.5000 ha, the flows give +0.5000 ha");
        problem.GetProperty("sequence").GetInt64().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task a_changed_stream_state_is_detected()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync("update ledger.mt_doc_parcelstate set data = jsonb_set(data, '{areaHa}', '999') where id = 'farmland:410102-A'");
        var problem = await ShouldName("mt_doc_parcelstate");
        problem.GetProperty("what").GetString()!.ShouldContain("stream farmland:410102-A: areaHa: stored 999");
    }

    [Fact]
    public async Task a_changed_stream_version_is_detected()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync("update ledger.mt_streams set version = version + 5 where id = 'farmland:410102-A'");
        (await ShouldName("mt_streams")).GetProperty("what").GetString()!.ShouldContain("stream farmland:410102-A");
    }

    [Fact]
    public async Task a_stream_row_without_events_is_detected()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.mt_streams (id, type, version, timestamp, created, tenant_id)
            select 'farmland:410102-FORGED', type, 1, timestamp, created, tenant_id from ledger.mt_streams where id = 'farmland:410102-A'
            """);
        (await ShouldName("mt_streams")).GetProperty("what").GetString()!.ShouldContain("the stream has no events");
    }

    [Fact]
    public async Task a_forged_flow_row_is_detected()
    {
        // A red-line flow the event never produced, at the sequence of a real occupation.
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.flows select seq, 'redLine', cause, nature, event_id, stream_id, region_code, year, effective_date, recorded_at, -50
            from ledger.flows where account = 'farmland' and cause like 'occupation%' order by seq limit 1
            """);
        var problem = await ShouldName("flows");
        problem.GetProperty("what").GetString()!.ShouldContain("redLine: stored (");
    }

    [Fact]
    public async Task a_flow_amount_beyond_any_decimal_is_reported_not_a_failure()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.flows select seq, 'redLine', cause, nature, event_id, stream_id, region_code, year, effective_date, recorded_at, 1e40
            from ledger.flows where account = 'farmland' order by seq limit 1
            """);
        (await ShouldName("flows")).GetProperty("what").GetString()!.ShouldContain("out of range");
    }

    [Fact]
    public async Task a_forged_flow_row_with_totals_to_match_is_still_detected()
    {
        // The careful forger keeps the totals equal to the flow rows; only the replay gives it away.
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.flows select 100000, account, cause, nature, event_id, stream_id, region_code, year, effective_date, recorded_at, amount
            from ledger.flows where account = 'farmland' and cause like 'occupation%' order by seq limit 1;
            update ledger.flow_totals t
              set amount_pos = t.amount_pos + (greatest(f.amount, 0) * 10000)::bigint, amount_neg = t.amount_neg + (least(f.amount, 0) * 10000)::bigint
            from ledger.flows f where f.seq = 100000 and (t.region_code, t.account, t.cause, t.nature) = (f.region_code, f.account, f.cause, f.nature)
              and t.eff_year = extract(year from f.effective_date) and t.rec_quarter = date_trunc('quarter', f.recorded_at at time zone 'UTC')::date
            """);
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse();
        var tables = result.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("table").GetString()).ToList();
        tables.ShouldBe(["flows"], result.ToString());
        result.GetProperty("problems")[0].GetProperty("what").GetString()!.ShouldContain("sequence 100000 farmland: stored (");
    }

    [Fact]
    public async Task a_forged_target_row_is_detected()
    {
        // A county's retention target doubled "by a later decision" at the sequence of a parcel registration.
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.targets select e.seq_id, t.event_id, t.region_code, t.retention_ha * 2, t.permanent_basic_ha, t.effective_date, t.recorded_at
            from ledger.targets t, ledger.mt_events e where e.type = 'farmland.parcel-registered' order by e.seq_id limit 1
            """);
        (await ShouldName("targets")).GetProperty("what").GetString()!.ShouldContain("but a replay of that event gives no such row");
    }

    [Fact]
    public async Task an_extra_event_index_row_is_detected()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.event_index select 100000, gen_random_uuid(), type, stream_id, region_code, effective_date, recorded_at, client
            from ledger.event_index order by seq limit 1
            """);
        var problem = await ShouldName("event_index");
        problem.GetProperty("what").GetString()!.ShouldContain("there is no event at that sequence");
        problem.GetProperty("sequence").GetInt64().ShouldBe(100000);
    }

    [Fact]
    public async Task a_deleted_event_index_row_is_detected()
    {
        // The runtime role may not delete index rows; the owner can.
        await app.ExecuteSqlAsync("delete from ledger.event_index where seq = (select max(seq) from ledger.event_index)");
        (await ShouldName("event_index")).GetProperty("what").GetString()!.ShouldContain("missing; a replay gives");
    }

    [Fact]
    public async Task readiness_reports_the_last_derived_check_and_no_counts()
    {
        await RunDerivedCheckAsync();
        var ready = await app.SendAsync(HttpMethod.Get, "/health/ready", key: null);
        var body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        ready.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("status").GetString().ShouldBe("ready");
        Numbers(body).ShouldBeEmpty("anyone may ask for readiness: it must not tell how many events the ledger holds");

        await app.ExecuteSqlAsRuntimeRoleAsync("update ledger.flow_totals set amount_pos = amount_pos + 1000000000000 where account = 'farmland'");
        await RunDerivedCheckAsync();
        ready = await app.SendAsync(HttpMethod.Get, "/health/ready", key: null);
        body = await ready.Content.ReadFromJsonAsync<JsonElement>();
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, body.ToString());
        body.GetProperty("status").GetString().ShouldBe("degraded");
        body.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).ShouldContain("derived tables differ from the events: flow_totals");
        Numbers(body).ShouldBeEmpty();

        // Repaired (here: by undoing the edit as the owner), the next check clears it.
        await app.ExecuteSqlAsync("update ledger.flow_totals set amount_pos = amount_pos - 1000000000000 where account = 'farmland'");
        await RunDerivedCheckAsync();
        (await app.SendAsync(HttpMethod.Get, "/health/ready", key: null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private Task RunDerivedCheckAsync() =>
        Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Ledger.Api.Hosting.DerivedCheckService>(app.Services).RunAsync(CancellationToken.None);

    private static IEnumerable<string> Numbers(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => [e.GetRawText()],
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Numbers(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Numbers),
        _ => [],
    };

    /// <summary>Verify fails and one of its problems names the table; returns that problem.</summary>
    private async Task<JsonElement> ShouldName(string table)
    {
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse(result.ToString());
        var problems = result.GetProperty("problems").EnumerateArray().ToList();
        problems.ShouldContain(p => p.GetProperty("table").GetString() == table, result.ToString());
        var problem = problems.First(p => p.GetProperty("table").GetString() == table);
        problem.GetProperty("what").GetString()!.ShouldStartWith($"{table}: ");
        return problem;
    }

    private async Task<JsonElement> Verify()
    {
        var response = await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", _investigator);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
