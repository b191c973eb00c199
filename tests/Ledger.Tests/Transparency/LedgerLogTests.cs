using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Chain;
using Ledger.Tests.Support;
using Ledger.Transparency;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Transparency;

/// <summary>
/// Contract 1.6 against the running service: the log grows with the chain in the ingest
/// transaction, and what it serves (checkpoint, tiles, bundles, proofs) checks out with nothing
/// but the published verifier key; a ledger from before the log gets the same log built.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class LedgerLogTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _auditor = await app.KeyAsync("auditor", "410000");
        var writer = await app.KeyAsync("writer");
        (await app.PostEventsAsync(writer, CountyWithOneOfEach())).StatusCode.ShouldBe(HttpStatusCode.OK);
        for (var i = 0; i < 3; i++)
            (await app.PostEventsAsync(writer, Enumerable.Range(0, 100).Select(n => Parcel($"410102-{i}{n:D4}", 1m)).ToArray())).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task every_event_is_an_entry_and_the_checkpoint_verifies_with_the_published_key()
    {
        var (verifier, checkpoint) = await CheckpointAsync();
        var chain = await app.ScalarAsync<long>("select count(*) from ledger.chain");
        checkpoint.Size.ShouldBe(chain);
        checkpoint.Size.ShouldBeGreaterThan(300);
        checkpoint.Origin.ShouldBe("ledger.localhost/catalogue");

        // Every entry from the bundles: sequence i+1, the event at that chain position, the hash of its canonical text.
        var entries = new List<byte[]>();
        for (long n = 0; n * 256 < checkpoint.Size; n++)
        {
            var width = (int)Math.Min(256, checkpoint.Size - n * 256);
            entries.AddRange(EntryBundle.Decode(await BytesAsync(Tile.Entries(n, width).Path)));
        }
        entries.Count.ShouldBe((int)checkpoint.Size);
        MerkleTree.RootOf(entries.Select(e => MerkleTree.LeafHash(e)).ToList()).ShouldBe(checkpoint.Root);
        var expected = await ExpectedEntriesAsync();
        entries.Select(e => System.Text.Encoding.ASCII.GetString(e)).ShouldBe(expected);
        verifier.ShouldNotBeNull();
    }

    [Fact]
    public async Task hash_tiles_rebuild_the_root_and_every_inclusion_proof_checks_out()
    {
        var (_, checkpoint) = await CheckpointAsync();
        var tiles = new Dictionary<(int, long), byte[]>();
        foreach (var tile in Tile.NewTiles(0, checkpoint.Size))
            tiles[(tile.Level, tile.N)] = await BytesAsync(tile.Path);
        StoredHashes.Root(checkpoint.Size, new TileHashReader(tiles)).ShouldBe(checkpoint.Root);

        foreach (var index in new long[] { 0, 1, 255, 256, checkpoint.Size - 1 })
        {
            var text = await TextAsync($"proof/inclusion?index={index}&size={checkpoint.Size}");
            var proof = TlogProof.Parse(text);
            proof.Index.ShouldBe(index);
            LedgerEntry.TryParse(proof.Extra, out var entry).ShouldBeTrue();
            entry.Sequence.ShouldBe(index + 1);
            proof.Includes(MerkleTree.LeafHash(proof.Extra)).ShouldBeTrue();
            proof.Tree.Root.ShouldBe(checkpoint.Root);
        }
    }

    [Fact]
    public async Task a_proof_against_the_served_checkpoint_follows_the_log_as_it_grows()
    {
        // The endpoint reads its tiles for the size it last served, in the checkpoint's round trip: after a batch that guess is stale.
        var (_, before) = await CheckpointAsync();
        var first = TlogProof.Parse(await TextAsync($"proof/inclusion?index={before.Size - 1}"));
        first.Tree.Size.ShouldBe(before.Size);
        first.Includes(MerkleTree.LeafHash(first.Extra)).ShouldBeTrue();

        var writer = await app.KeyAsync("writer");
        (await app.PostEventsAsync(writer, Enumerable.Range(0, 300).Select(n => Parcel($"410102-9{n:D4}", 1m)).ToArray())).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (_, after) = await CheckpointAsync();
        after.Size.ShouldBe(before.Size + 300);

        foreach (var index in new[] { before.Size - 1, before.Size, after.Size - 1 })
        {
            var proof = TlogProof.Parse(await TextAsync($"proof/inclusion?index={index}"));
            proof.Tree.Size.ShouldBe(after.Size);
            proof.Tree.Root.ShouldBe(after.Root);
            proof.Includes(MerkleTree.LeafHash(proof.Extra)).ShouldBeTrue();
            LedgerEntry.TryParse(proof.Extra, out var entry).ShouldBeTrue();
            entry.Sequence.ShouldBe(index + 1);
        }
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/logs/catalogue/proof/inclusion?index={after.Size}", _auditor)).StatusCode
            .ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task each_batch_has_its_own_checkpoint_and_any_two_are_consistent()
    {
        var sizes = new List<long>();
        await using (var cmd = new Npgsql.NpgsqlDataSourceBuilder(app.ConnectionString).Build())
        await using (var r = await cmd.CreateCommand("select size from ledger.log_checkpoints order by size").ExecuteReaderAsync())
            while (await r.ReadAsync()) sizes.Add(r.GetInt64(0));
        sizes.Count.ShouldBe(4); // one per batch posted
        var roots = new List<Hash>();
        foreach (var size in sizes)
            roots.Add(TlogProof.Parse(await TextAsync($"proof/inclusion?index=0&size={size}")).Tree.Root);
        var text = await TextAsync($"proof/consistency?from={sizes[0]}&to={sizes[^1]}");
        var proof = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Hash.ParseBase64).ToList();
        ConsistencyProof.Verify(sizes[0], sizes[^1], proof, roots[0], roots[^1]).ShouldBeTrue();
        ConsistencyProof.Verify(sizes[0], sizes[^1], proof, roots[1], roots[^1]).ShouldBeFalse();
    }

    [Fact]
    public async Task a_ledger_from_before_the_log_gets_the_same_log_built_and_then_grows_it_in_the_ingest()
    {
        var (_, before) = await CheckpointAsync();
        await app.ExecuteSqlAsync("truncate ledger.log_tiles, ledger.log_edge, ledger.log_checkpoints");
        // The chain is ahead of the (empty) log: the ingest leaves the log to the backfill.
        (await app.PostEventsAsync(await app.KeyAsync("writer", "410000", "late"), Parcel("410102-LATE", 1m))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.ScalarAsync<long>("select count(*) from ledger.log_checkpoints")).ShouldBe(0);

        var signer = app.Services.GetRequiredService<LogKeys>().SignerFor("catalogue");
        var db = Npgsql.NpgsqlDataSource.Create(app.ConnectionString);
        await using (db)
        {
            (long Log, long Chain) step;
            do step = await LogBackfill.StepAsync(db, signer, CancellationToken.None); while (step.Log < step.Chain);
            step.Log.ShouldBe(before.Size + 1);
        }
        var (_, rebuilt) = await CheckpointAsync();
        rebuilt.Size.ShouldBe(before.Size + 1);
        // The same entries as before, plus the late one: the rebuilt root is the root of exactly the contract's entries.
        var expected = await ExpectedEntriesAsync();
        expected.Count.ShouldBe((int)rebuilt.Size);
        MerkleTree.RootOf(expected.Select(e => MerkleTree.LeafHash(System.Text.Encoding.ASCII.GetBytes(e))).ToList()).ShouldBe(rebuilt.Root);
        MerkleTree.RootOf(expected.Take((int)before.Size).Select(e => MerkleTree.LeafHash(System.Text.Encoding.ASCII.GetBytes(e))).ToList()).ShouldBe(before.Root);

        (await app.PostEventsAsync(await app.KeyAsync("writer", "410000", "later"), Parcel("410102-LATER", 1m))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CheckpointAsync()).Checkpoint.Size.ShouldBe(rebuilt.Size + 1);
    }

    [Fact]
    public async Task an_accepted_batch_carries_a_receipt_that_later_proofs_hold_to_and_a_retry_gets_the_same_entries()
    {
        var (verifier, _) = await CheckpointAsync();
        var writer = await app.KeyAsync("writer", "410000", "receipts");
        var batch = new[] { Parcel("410102-R1", 1m), Parcel("410102-R2", 2m) };
        var first = await (await app.PostEventsAsync(writer, batch)).Content.ReadFromJsonAsync<JsonElement>();
        var receipt = first.GetProperty("receipt");
        receipt.GetProperty("log").GetString().ShouldBe("ledger.localhost/catalogue");
        var note = SignedNote.Parse(receipt.GetProperty("checkpoint").GetString()!);
        note.Verify([verifier]).IsValid.ShouldBeTrue();
        var size = Ledger.Transparency.Checkpoint.Parse(note.Text).Size;
        var entries = receipt.GetProperty("entries").EnumerateArray().ToList();
        entries.Select(e => e.GetProperty("eventId").GetString()).ShouldBe(batch.Select(e => e["eventId"]!.GetValue<string>()));
        foreach (var e in entries)
        {
            var index = e.GetProperty("index").GetInt64();
            index.ShouldBeLessThan(size);
            var proof = TlogProof.Parse(await TextAsync($"proof/inclusion?index={index}&size={size}"));
            System.Text.Encoding.ASCII.GetString(proof.Extra!).ShouldBe(e.GetProperty("entry").GetString());
            proof.Includes(MerkleTree.LeafHash(System.Text.Encoding.ASCII.GetBytes(e.GetProperty("entry").GetString()!))).ShouldBeTrue();
        }

        // More events, then the same batch again: duplicates, with the same entries under the newer checkpoint.
        (await app.PostEventsAsync(writer, Parcel("410102-R3", 1m))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var retry = await (await app.PostEventsAsync(writer, batch)).Content.ReadFromJsonAsync<JsonElement>();
        retry.GetProperty("results")[0].GetProperty("status").GetString().ShouldBe("duplicate");
        retry.GetProperty("receipt").GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("entry").GetString())
            .ShouldBe(entries.Select(e => e.GetProperty("entry").GetString()));
        var newer = Ledger.Transparency.Checkpoint.Parse(SignedNote.Parse(retry.GetProperty("receipt").GetProperty("checkpoint").GetString()!).Text);
        newer.Size.ShouldBe(size + 1);
    }

    [Theory]
    [InlineData("update ledger.log_tiles set data = overlay(data placing '\\x00'::bytea from 1 for 1) where level = 0 and n = 0", "log_tile")]
    [InlineData("update ledger.log_tiles set data = overlay(data placing '\\x41'::bytea from 40 for 1) where level = -1 and n = 0", "log_tile")]
    [InlineData("update ledger.log_checkpoints set root = sha256(root) where size = (select min(size) from ledger.log_checkpoints)", "log_checkpoint")]
    [InlineData("update ledger.mt_events set data = jsonb_set(data, '{areaHa}', '2') where seq_id = (select max(seq_id) from ledger.mt_events)", "events")]
    public async Task verify_recomputes_the_log_and_names_what_differs(string tamper, string what)
    {
        var investigator = await app.KeyAsync("investigator");
        var clean = await (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", investigator)).Content.ReadFromJsonAsync<JsonElement>();
        clean.GetProperty("ok").GetBoolean().ShouldBeTrue(clean.ToString());

        await app.ExecuteSqlAsync(tamper);
        var result = await (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", investigator)).Content.ReadFromJsonAsync<JsonElement>();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse();
        var logProblems = result.GetProperty("problems").EnumerateArray()
            .Where(p => p.TryGetProperty("table", out var t) && t.GetString() == LogCheck.Table).Select(p => p.GetProperty("what").GetString()!).ToList();
        logProblems.ShouldNotBeEmpty(result.ToString());
        logProblems.ShouldContain(p => what == "log_tile" ? p.Contains("differs from the one the events give")
            : what == "log_checkpoint" ? p.Contains("is not signed by the log key") : p.Contains("has a root the events do not give"));
    }

    [Theory]
    [InlineData("proof/inclusion?index=-1", 400)]
    [InlineData("proof/inclusion?index=abc", 400)]
    [InlineData("proof/inclusion", 400)]
    [InlineData("proof/inclusion?index=0&size=999999999", 404)]
    [InlineData("proof/inclusion?index=99999999999", 400)]
    [InlineData("proof/consistency?from=5&to=3", 400)]
    [InlineData("proof/consistency?from=1", 400)]
    [InlineData("proof/consistency?from=18446744073709551616&to=1", 400)]
    [InlineData("tile/0/0", 400)]
    [InlineData("tile/0/001", 404)]
    [InlineData("tile/0/x001/002", 404)]
    [InlineData("tile/9/000", 404)]
    [InlineData("tile/64/000", 400)]
    [InlineData("tile/0/000.p/0", 400)]
    [InlineData("tile/0/000.p/3", 404)]
    [InlineData("tile/entries/005", 404)]
    [InlineData("tile/entries/x/000", 400)]
    public async Task bad_or_unknown_sizes_indexes_and_paths_are_clear_problems(string path, int status)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/logs/catalogue/{path}", _auditor);
        ((int)response.StatusCode).ShouldBe(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task a_ledger_that_keeps_no_log_says_so_and_writes_nothing_to_it()
    {
        await app.ExecuteSqlAsync("truncate ledger.log_tiles, ledger.log_edge, ledger.log_checkpoints");
        await LogOffService.RunAsync(app, async (api, http) =>
        {
            var writer = await api.IssueKeyAsync("off-writer", "writer", "410000");
            using var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
            {
                Content = JsonContent.Create(new { events = new[] { Parcel("410102-OFF", 1m) } }),
            };
            post.Headers.Add("X-Api-Key", writer);
            var answer = await (await http.SendAsync(post)).Content.ReadFromJsonAsync<JsonElement>();
            answer.GetProperty("receipt").ValueKind.ShouldBe(JsonValueKind.Null);
            using var logs = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ledger/logs");
            logs.Headers.Add("X-Api-Key", writer);
            var refused = await http.SendAsync(logs);
            refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("LEDGER_LOG");
            (await app.ScalarAsync<long>("select count(*) from ledger.log_checkpoints")).ShouldBe(0);
        });
    }

    [Fact]
    public async Task an_unknown_database_is_404_and_no_key_is_401()
    {
        (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/logs/nowhere/checkpoint", _auditor)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/logs/catalogue/checkpoint", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private async Task<(INoteVerifier Verifier, Ledger.Transparency.Checkpoint Checkpoint)> CheckpointAsync()
    {
        var logs = await (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/logs", _auditor)).Content.ReadFromJsonAsync<JsonElement>();
        var log = logs.GetProperty("logs").EnumerateArray().Single(l => l.GetProperty("database").GetString() == "catalogue");
        logs.GetProperty("policy").GetString()!.ShouldContain($"log {log.GetProperty("verifierKey").GetString()}\n");
        var verifier = VerifierKey.Parse(log.GetProperty("verifierKey").GetString()!).ToVerifier();
        var note = SignedNote.Parse(await TextAsync("checkpoint"));
        note.Verify([verifier]).IsValid.ShouldBeTrue();
        var checkpoint = Ledger.Transparency.Checkpoint.Parse(note.Text);
        log.GetProperty("size").GetInt64().ShouldBe(checkpoint.Size);
        return (verifier, checkpoint);
    }

    /// <summary>The entries the contract says the log holds, made from the chain and the events as PostgreSQL renders them.</summary>
    private async Task<List<string>> ExpectedEntriesAsync()
    {
        var expected = new List<string>();
        await using var db = Npgsql.NpgsqlDataSource.Create(app.ConnectionString);
        await using var cmd = db.CreateCommand($"""
            select c.position, e.id, encode(sha256(convert_to({ChainTables.CanonicalText}, 'UTF8')), 'base64')
            from ledger.chain c join ledger.mt_events e on e.seq_id = c.seq order by c.position
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) expected.Add($"ledger-event/v1\n{r.GetInt64(0)}\n{r.GetGuid(1):D}\n{r.GetString(2)}\n");
        return expected;
    }

    private async Task<byte[]> BytesAsync(string path)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/logs/catalogue/{path}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync()}");
        response.Headers.CacheControl!.ToString().ShouldContain("immutable");
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<string> TextAsync(string path)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/logs/catalogue/{path}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{path}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsStringAsync();
    }
}
