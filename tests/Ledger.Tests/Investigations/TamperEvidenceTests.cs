using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.BalanceSheets;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Investigations;

/// <summary>Each kind of tampering with the event rows, done directly in SQL, is detected by verify.</summary>
[Collection(LedgerCollection.Name)]
public sealed class TamperEvidenceTests(LedgerApp app) : IAsyncLifetime
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
    public async Task an_untouched_ledger_verifies()
    {
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeTrue(result.ToString());
        result.GetProperty("eventsChecked").GetInt64().ShouldBe(SheetScenario.Events().Length);
        result.GetProperty("firstBrokenSequence").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task a_changed_event_row_is_detected()
    {
        await app.ExecuteSqlAsync("update ledger.mt_events set data = jsonb_set(data, '{areaHa}', '0.5') where seq_id = 9");
        await ShouldBreakAt(9);
    }

    [Fact]
    public async Task a_changed_recorded_instant_is_detected()
    {
        await app.ExecuteSqlAsync("update ledger.mt_events set timestamp = timestamp - interval '1 year' where seq_id = 12");
        await ShouldBreakAt(12);
    }

    [Fact]
    public async Task a_deleted_event_row_is_detected()
    {
        await app.ExecuteSqlAsync("delete from ledger.mt_events where seq_id = 7");
        await ShouldBreakAt(7);
    }

    [Fact]
    public async Task an_inserted_event_row_is_detected()
    {
        await app.ExecuteSqlAsync("""
            create temp table forged as select * from ledger.mt_events where seq_id = 9;
            update forged set seq_id = 1000, id = gen_random_uuid(), version = version + 100;
            insert into ledger.mt_events select * from forged;
            """);
        await ShouldBreakAt(1000);
    }

    [Fact]
    public async Task reordered_event_rows_are_detected()
    {
        await app.ExecuteSqlAsync("""
            update ledger.mt_events set seq_id = -1 where seq_id = 10;
            update ledger.mt_events set seq_id = 10 where seq_id = 11;
            update ledger.mt_events set seq_id = 11 where seq_id = -1;
            """);
        await ShouldBreakAt(10);
    }

    [Fact]
    public async Task a_rewrite_that_recomputes_the_chain_is_caught_by_a_signed_checkpoint()
    {
        (await app.SendAsync(HttpMethod.Post, "/api/v1/ledger/checkpoints", _investigator)).StatusCode.ShouldBe(HttpStatusCode.Created);
        await app.ExecuteSqlAsync("update ledger.mt_events set data = jsonb_set(data, '{areaHa}', '0.5') where seq_id = 9");
        await RechainAsync();

        // The chain is self-consistent again; only the checkpoint knows, and it can say no more
        // than "between the previous checkpoint (none) and this one".
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse(result.ToString());
        result.GetProperty("firstBrokenSequence").GetInt64().ShouldBe(1);
        result.GetProperty("problems")[0].GetProperty("what").GetString()!.ShouldContain("was rewritten");
    }

    [Fact]
    public async Task deleting_the_checkpoints_too_is_caught_by_checkpoints_kept_outside()
    {
        (await app.SendAsync(HttpMethod.Post, "/api/v1/ledger/checkpoints", _investigator)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var exported = await (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/checkpoints", _investigator)).Content.ReadFromJsonAsync<JsonElement>();
        // A change nothing is derived from (the source note): the derived tables cannot give it away either.
        // The transparency log would tell (its signed roots name the old events): this owner removes it too.
        await app.ExecuteSqlAsync("""
            update ledger.mt_events set headers = jsonb_set(coalesce(headers, '{}'), '{note}', '"forged"') where seq_id = 9;
            truncate ledger.checkpoints, ledger.log_tiles, ledger.log_edge, ledger.log_checkpoints
            """);
        await RechainAsync();

        (await Verify()).GetProperty("ok").GetBoolean().ShouldBeTrue("with its own checkpoints gone, the database alone cannot tell");
        var response = await app.SendAsync(HttpMethod.Post, "/api/v1/ledger/verify", _investigator,
            new { checkpoints = exported.GetProperty("checkpoints") });
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse();
        result.GetProperty("firstBrokenSequence").GetInt64().ShouldBeLessThanOrEqualTo(SheetScenario.Events().Length);
    }

    [Fact]
    public async Task a_forged_checkpoint_is_refused()
    {
        (await app.SendAsync(HttpMethod.Post, "/api/v1/ledger/checkpoints", _investigator)).StatusCode.ShouldBe(HttpStatusCode.Created);
        await app.ExecuteSqlAsync("update ledger.checkpoints set hash = decode(repeat('00', 32), 'hex')");
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse();
        result.GetProperty("problems")[0].GetProperty("what").GetString()!.ShouldContain("invalid signature");
    }

    [Fact]
    public async Task only_investigators_may_verify()
    {
        (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", await app.KeyAsync("auditor"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    /// <summary>What an attacker with database access would do next: recompute every link so the chain is self-consistent.</summary>
    private async Task RechainAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        var texts = new List<(long Position, string Text)>();
        await using (var cmd = new Npgsql.NpgsqlCommand(
            $"select c.position, {Ledger.Chain.ChainTables.CanonicalText} from ledger.chain c join ledger.mt_events e on e.seq_id = c.seq order by c.position", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) texts.Add((r.GetInt64(0), r.GetString(1)));
        var hash = Ledger.Chain.ChainHash.Genesis;
        foreach (var (position, text) in texts)
        {
            hash = Ledger.Chain.ChainHash.Next(hash, text);
            await using var update = new Npgsql.NpgsqlCommand("update ledger.chain set hash = @h where position = @p", conn);
            update.Parameters.AddWithValue("h", hash);
            update.Parameters.AddWithValue("p", position);
            await update.ExecuteNonQueryAsync();
        }
    }

    private async Task ShouldBreakAt(long sequence)
    {
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse(result.ToString());
        result.GetProperty("firstBrokenSequence").GetInt64().ShouldBe(sequence, result.ToString());
    }

    private async Task<JsonElement> Verify()
    {
        var response = await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", _investigator);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
