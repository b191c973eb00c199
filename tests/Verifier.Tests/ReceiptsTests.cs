using System.Text.Json;

namespace LedgerVerify.Tests;

/// <summary><c>receipts --policy POLICY --checkpoint NEWER RECEIPT.json…</c> with proof files and against a log server.</summary>
public sealed class ReceiptsTests : IDisposable
{
    private readonly TestLog _log = new(10);
    private readonly TestKey _w1 = new("audit.test/w1", 0x04);
    private readonly TempDir _dir = new();

    private string Policy => _dir.Write("policy", $"log {_log.Key.VerifierKey}\nwitness w1 {_w1.VerifierKey}\nquorum w1\n");

    private string Newer(int size = 10) => _dir.Write($"newer-{size}", _log.Checkpoint(size, _w1));

    private string ProofFile(int from, int to) => _dir.Write($"proof-{from}-{to}", TestLog.Lines(_log.Consistency(from, to)));

    private object Receipt(int size, params int[] positions) => new
    {
        log = _log.Origin,
        checkpoint = _log.Checkpoint(size),
        entries = positions.Select(p => _log.Events[p - 1]).Select(e => new { eventId = e.EventId, index = e.Position - 1, entry = System.Text.Encoding.ASCII.GetString(e.Entry) }),
    };

    private string Write(string name, object json) => _dir.Write(name, JsonSerializer.Serialize(json));

    [Fact]
    public void receipts_consistent_with_a_cosigned_newer_checkpoint_verify_with_proof_files()
    {
        var r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(),
            "--proof", $"4:10={ProofFile(4, 10)}", "--proof", $"7:10={ProofFile(7, 10)}",
            Write("a.json", Receipt(4, 3, 4)),
            Write("answer.json", new { results = new[] { new { status = "appended" } }, receipt = Receipt(7, 7, 2) }),
            Write("same.json", Receipt(10, 10)));
        r.Code.ShouldBe(0, r.ToString());
        r.Out.ShouldStartWith("VALID 3 receipts, 5 events");
        r.Out.ShouldContain("2 consistency proofs checked");
        r.Out.ShouldContain("inclusion   not checked");
        r.Out.ShouldContain("w1 (audit.test/w1+");
    }

    [Fact]
    public void a_bulk_answer_saved_as_ndjson_holds_one_receipt_per_chunk_line()
    {
        var lines = string.Join('\n', new object[]
        {
            new { fromLine = 1, toLine = 2, receipt = Receipt(4, 1, 2) },
            new { fromLine = 3, toLine = 4, receipt = Receipt(4, 3, 4) },
            new { done = true, lines = 4 },
        }.Select(o => JsonSerializer.Serialize(o))) + "\n";
        var r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--proof", $"4:10={ProofFile(4, 10)}", _dir.Write("bulk.ndjson", lines));
        r.Code.ShouldBe(0, r.ToString());
        r.Out.ShouldStartWith("VALID 2 receipts, 4 events");
    }

    [Fact]
    public void a_flipped_proof_hash_fails_the_consistency_check()
    {
        var proof = _log.Consistency(4, 10);
        proof[1][5] ^= 0x10;
        var r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--proof", $"4:10={_dir.Write("bad", TestLog.Lines(proof))}", Write("a.json", Receipt(4, 3)));
        r.Code.ShouldBe(1, r.ToString());
        r.Out.ShouldContain("INVALID a.json checkpoint: the consistency proof from 4 to 10 does not verify");
    }

    [Fact]
    public void a_missing_proof_says_which_one_to_give()
    {
        var r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), Write("a.json", Receipt(4, 3)));
        r.Code.ShouldBe(1, r.ToString());
        r.Out.ShouldContain("no consistency proof from 4 to 10: give --proof 4:10=FILE, or --url and --key");
    }

    [Fact]
    public void the_same_size_with_another_root_is_a_fork()
    {
        using var forked = new TestLog(10, _log.Origin, _log.Key);
        forked.Events[9] = forked.Events[9] with { Text = [.. forked.Events[9].Text, 0x21] };
        var receipt = new { log = _log.Origin, checkpoint = forked.Checkpoint(10), entries = new[] { new { eventId = _log.Events[0].EventId, index = 0L, entry = System.Text.Encoding.ASCII.GetString(_log.Events[0].Entry) } } };
        var r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), Write("fork.json", receipt));
        r.Code.ShouldBe(1, r.ToString());
        r.Out.ShouldContain("FORK: size 10 has root");
    }

    [Fact]
    public void a_newer_checkpoint_without_the_quorum_and_a_receipt_of_an_unknown_log_are_refused()
    {
        var unsigned = _dir.Write("newer-bare", _log.Checkpoint(10));
        var r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", unsigned, Write("a.json", Receipt(10, 1)));
        r.Code.ShouldBe(1);
        r.Out.ShouldContain("INVALID newer-bare: the cosignatures do not meet the policy's quorum");

        using var stranger = new TestLog(4, _log.Origin);
        var receipt = new { log = _log.Origin, checkpoint = stranger.Checkpoint(4), entries = new[] { new { eventId = stranger.Events[0].EventId, index = 0L, entry = System.Text.Encoding.ASCII.GetString(stranger.Events[0].Entry) } } };
        r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--proof", $"4:10={ProofFile(4, 10)}", Write("s.json", receipt));
        r.Code.ShouldBe(1);
        r.Out.ShouldContain("INVALID s.json checkpoint: the log's signature: no signature by a known key");
    }

    [Fact]
    public void entries_must_be_ledger_events_at_their_index_with_their_id()
    {
        var good = _log.Events[2];
        var other = _log.Events[3];
        var entries = new object[]
        {
            new { eventId = good.EventId, index = 3L, entry = System.Text.Encoding.ASCII.GetString(good.Entry) },
            new { eventId = other.EventId, index = 2L, entry = System.Text.Encoding.ASCII.GetString(good.Entry) },
            new { eventId = good.EventId, index = 2L, entry = "ledger-event/v1\n3\n" },
        };
        var r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--proof", $"4:10={ProofFile(4, 10)}",
            Write("e.json", new { log = _log.Origin, checkpoint = _log.Checkpoint(4), entries }));
        r.Code.ShouldBe(1, r.ToString());
        r.Out.ShouldContain("INVALID e.json entries[0] index: 3 is not the entry's position − 1 = 2");
        r.Out.ShouldContain($"INVALID e.json entries[1] eventId: '{other.EventId}' is not the entry's event {good.EventId}");
        r.Out.ShouldContain("INVALID e.json entries[2] entry: not a ledger-event/v1 entry");
    }

    [Fact]
    public void a_receipt_larger_than_the_newer_checkpoint_or_of_another_log_or_null_is_refused()
    {
        var r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(6), Write("big.json", Receipt(8, 1)));
        r.Out.ShouldContain("size 8 is larger than the newer checkpoint's 6");
        r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), Write("log.json", new { log = "ledger.test/other", checkpoint = _log.Checkpoint(10), entries = new[] { new { eventId = _log.Events[0].EventId, index = 0, entry = System.Text.Encoding.ASCII.GetString(_log.Events[0].Entry) } } }));
        r.Out.ShouldContain("INVALID log.json log: 'ledger.test/other' is not the checkpoint's origin");
        r = Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), Write("null.json", new { results = Array.Empty<object>(), receipt = (object?)null }));
        r.Code.ShouldBe(1);
        r.Out.ShouldContain("'receipt' is null");
    }

    [Fact]
    public void usage_errors_exit_2()
    {
        Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer()).Code.ShouldBe(2);
        Cli.Run("receipts", "--checkpoint", Newer(), Write("a.json", Receipt(4, 1))).Code.ShouldBe(2);
        Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--url", "http://127.0.0.1:1", Write("a.json", Receipt(4, 1))).Code.ShouldBe(2);
        Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--proof", "10:4=x", Write("a.json", Receipt(4, 1))).Code.ShouldBe(2);
        Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--proof", "4-10=x", Write("a.json", Receipt(4, 1))).Code.ShouldBe(2);
        Cli.Run("receipts", "--policy", Policy, "--checkpoint", _dir.File("missing"), Write("a.json", Receipt(4, 1))).Code.ShouldBe(2);
    }

    [Fact]
    public async Task with_url_and_key_proofs_are_fetched_and_each_entry_is_proven_included()
    {
        await using var server = await FakeLogServer.StartAsync(_log, "shard-41");
        var receipt = Write("a.json", Receipt(4, 3, 4));
        var r = await Task.Run(() => Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--url", server.Url + "/", "--key", FakeLogServer.ApiKey, receipt));
        r.Code.ShouldBe(0, r.ToString());
        r.Out.ShouldContain("inclusion   2 entries proven at their receipts' sizes");
        server.Requests.ShouldBe([
            "/api/v1/ledger/logs/shard-41/proof/consistency?from=4&to=10",
            "/api/v1/ledger/logs/shard-41/proof/inclusion?index=2&size=4",
            "/api/v1/ledger/logs/shard-41/proof/inclusion?index=3&size=4"]);

        server.Tamper = (kind, body) => kind == "inclusion" ? body.Replace($"extra {Convert.ToBase64String(_log.Events[3].Entry)}", $"extra {Convert.ToBase64String(_log.Events[4].Entry)}") : body;
        r = await Task.Run(() => Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--url", server.Url, "--key", FakeLogServer.ApiKey, receipt));
        r.Code.ShouldBe(1, r.ToString());
        r.Out.ShouldContain("INVALID a.json entries[1]: the entry the server proves is not the receipt's entry text");

        r = await Task.Run(() => Cli.Run("receipts", "--policy", Policy, "--checkpoint", Newer(), "--url", server.Url, "--key", "wrong", receipt));
        r.Code.ShouldBe(1);
        r.Out.ShouldContain("answered 401");
    }

    public void Dispose()
    {
        _log.Dispose();
        _w1.Dispose();
        _dir.Dispose();
    }
}
