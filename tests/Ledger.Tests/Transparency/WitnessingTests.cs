using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Chain;
using Ledger.Tests.Support;
using Ledger.Transparency;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Transparency;

/// <summary>
/// The service's side of c2sp.org/tlog-witness against witnesses in the test: cosignatures kept
/// and verified, the served checkpoint held to the quorum, the 409 resync after a lost answer,
/// and refusals that show a fork kept as evidence and named by readiness.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class WitnessingTests(LedgerApp app) : IAsyncLifetime
{
    private const string Origin = "ledger.localhost/catalogue";
    private readonly List<TestWitness> _witnesses = [];
    private NpgsqlDataSource _db = null!;
    private VerifierKey _logKey = null!;
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _db = NpgsqlDataSource.Create(app.ConnectionString);
        _logKey = app.Services.GetRequiredService<LogKeys>().SignerFor("catalogue").VerifierKey;
        _writer = await app.KeyAsync("writer");
        (await app.PostEventsAsync(_writer, CountyWithOneOfEach())).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _witnesses) await w.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task two_witnesses_cosign_and_the_served_checkpoint_meets_the_quorum()
    {
        var (a, b) = (await WitnessAsync("a.example/w"), await WitnessAsync("b.example/w"));
        var policy = Policy("group both all a b\nquorum both\n", a, b);
        var outcomes = await new Witnessing(policy, new HttpClient(), TimeSpan.FromSeconds(5), NullLogger.Instance).RoundAsync("catalogue", _db, default);

        outcomes.Select(o => o.State).ShouldBe(["cosigned", "cosigned"]);
        var newest = (await new LogReader(_db).CheckpointAsync(null, default))!;
        var served = (await new LogReader(_db, policy).ServedCheckpointAsync(default))!;
        served.Size.ShouldBe(newest.Size);
        var note = SignedNote.Parse(served.Note);
        note.Verify([_logKey.ToVerifier()]).IsValid.ShouldBeTrue();
        policy.CosignedBy(note).ShouldBe(["a", "b"], ignoreOrder: true);
        (a.SizeFor(Origin), b.SizeFor(Origin)).ShouldBe((newest.Size, newest.Size));
    }

    [Fact]
    public async Task a_stopped_witness_holds_the_served_checkpoint_back_and_catches_up_by_resync_once_restarted()
    {
        var (a, b) = (await WitnessAsync("a.example/w"), await WitnessAsync("b.example/w"));
        var policy = Policy("group both all a b\nquorum both\n", a, b);
        var witnessing = new Witnessing(policy, new HttpClient(), TimeSpan.FromSeconds(5), NullLogger.Instance);
        await witnessing.RoundAsync("catalogue", _db, default);
        var first = (await new LogReader(_db, policy).ServedCheckpointAsync(default))!.Size;

        await b.StopAsync();
        (await app.PostEventsAsync(_writer, Parcel("410102-0001", 2m))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var outcomes = await witnessing.RoundAsync("catalogue", _db, default);
        outcomes.Single(o => o.Witness == "b").State.ShouldBe("unreachable");
        outcomes.Single(o => o.Witness == "a").State.ShouldBe("cosigned");
        // Ingest goes on; readers are still given the checkpoint both witnesses cosigned.
        (await new LogReader(_db, policy).ServedCheckpointAsync(default))!.Size.ShouldBe(first);
        (await new LogReader(_db).CheckpointAsync(null, default))!.Size.ShouldBeGreaterThan(first);

        await b.StartAsync();
        var after = await witnessing.RoundAsync("catalogue", _db, default);
        var resync = after.Single(o => o.Witness == "b");
        (resync.State, resync.Resynced).ShouldBe(("cosigned", true));
        // The answer lost with the witness down left its size unknown: old 0, its 409, then from its size.
        b.OldSizesReceived.TakeLast(2).ShouldBe(["old 0", $"old {first}"]);
        (await new LogReader(_db, policy).ServedCheckpointAsync(default))!.Size.ShouldBeGreaterThan(first);
    }

    [Fact]
    public async Task a_witness_that_saw_another_history_refuses_and_readiness_names_it()
    {
        var (a, b) = (await WitnessAsync("a.example/w"), await WitnessAsync("b.example/w"));
        // Witness b cosigned a tree of 3 entries whose root is not this log's.
        b.Seed(Origin, 3, Hash.Sha256("another history"u8));
        var policy = Policy("group both all a b\nquorum both\n", a, b);
        var outcomes = await new Witnessing(policy, new HttpClient(), TimeSpan.FromSeconds(5), NullLogger.Instance).RoundAsync("catalogue", _db, default);

        outcomes.Single(o => o.Witness == "b").State.ShouldBe("fork");
        var fork = await ForkRowAsync();
        (fork.Witness, fork.OldSize, fork.Status).ShouldBe(("b", 3L, 422));
        fork.Checkpoint.ShouldBe((await new WitnessRecords(_db).NewestAsync(default))!.Note);
        (await new LogReader(_db, policy).ServedCheckpointAsync(default)).ShouldBeNull();

        var ready = await app.Http.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        var reasons = (await ready.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList();
        reasons.ShouldContain(r => r.StartsWith("witness b refuses the log of database catalogue"));
    }

    [Fact]
    public async Task a_witness_that_keeps_refusing_keeps_its_first_evidence_and_readiness_stays_503()
    {
        var a = await WitnessAsync("a.example/w");
        a.Seed(Origin, 3, Hash.Sha256("another history"u8));
        var witnessing = new Witnessing(Policy("quorum a\n", a), new HttpClient(), TimeSpan.FromSeconds(5), NullLogger.Instance);
        for (var round = 0; round < 3; round++)
            (await witnessing.RoundAsync("catalogue", _db, default)).Single().State.ShouldBe("fork");
        (await app.ScalarAsync<long>("select count(*) from ledger.log_forks")).ShouldBe(1);
        (await app.Http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task a_witness_holding_the_same_size_with_another_root_is_a_fork()
    {
        var a = await WitnessAsync("a.example/w");
        var newest = (await new LogReader(_db).CheckpointAsync(null, default))!;
        a.Seed(Origin, newest.Size, Hash.Sha256("another root"u8));
        var witnessing = new Witnessing(Policy("quorum a\n", a), new HttpClient(), TimeSpan.FromSeconds(5), NullLogger.Instance);

        var outcome = (await witnessing.RoundAsync("catalogue", _db, default)).Single();
        // First old 0 (size unknown), the 409 names the size, then old = size and still 409: another root.
        (outcome.State, a.OldSizesReceived.Count).ShouldBe(("fork", 2));
        (await ForkRowAsync()).Status.ShouldBe(409);
    }

    [Theory]
    [InlineData(404, "text/plain", "unknown origin\n", "unknown-log")]
    [InlineData(403, "text/plain", "no trusted signature\n", "refused")]
    [InlineData(200, "text/plain", "not a signature line\n", "refused")]
    [InlineData(500, "text/plain", "oops\n", "refused")]
    public async Task answers_that_cosign_nothing_store_nothing_and_are_not_forks(int status, string type, string body, string state)
    {
        var a = await WitnessAsync("a.example/w");
        a.Override = (status, type, body);
        var policy = Policy("quorum a\n", a);

        (await new Witnessing(policy, new HttpClient(), TimeSpan.FromSeconds(5), NullLogger.Instance).RoundAsync("catalogue", _db, default)).Single().State.ShouldBe(state);
        (await app.ScalarAsync<long>("select count(*) from ledger.log_cosignatures")).ShouldBe(0);
        (await app.ScalarAsync<long>("select count(*) from ledger.log_forks")).ShouldBe(0);
        (await new LogReader(_db, policy).ServedCheckpointAsync(default)).ShouldBeNull();
        (await app.Http.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_cosignature_by_another_key_is_not_kept()
    {
        var a = await WitnessAsync("a.example/w");
        using var impostor = CosignatureSigner.Generate("a.example/w");
        var newest = (await new LogReader(_db).CheckpointAsync(null, default))!;
        a.Override = (200, "text/plain", impostor.Cosign(SignedNote.Parse(newest.Note).Text, NodaTime.SystemClock.Instance.GetCurrentInstant()).Line);

        var outcome = (await new Witnessing(Policy("quorum a\n", a), new HttpClient(), TimeSpan.FromSeconds(5), NullLogger.Instance).RoundAsync("catalogue", _db, default)).Single();
        outcome.State.ShouldBe("refused");
        (await app.ScalarAsync<long>("select count(*) from ledger.log_cosignatures")).ShouldBe(0);
    }

    private async Task<TestWitness> WitnessAsync(string name)
    {
        var w = new TestWitness(name, _logKey);
        _witnesses.Add(w);
        await w.StartAsync();
        return w;
    }

    private static WitnessPolicy Policy(string rest, params TestWitness[] witnesses) =>
        WitnessPolicy.Parse(string.Concat(witnesses.Select((w, i) => $"witness {(char)('a' + i)} {w.Signer.VerifierKey} {w.Url}\n")) + rest);

    private async Task<ForkEvidence> ForkRowAsync()
    {
        await using var cmd = _db.CreateCommand("select witness, old_size, checkpoint, status, answer, detail from ledger.log_forks");
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue();
        return new ForkEvidence(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetInt32(3), r.GetString(4), r.GetString(5));
    }
}
