using System.Text;
using System.Text.Json;

namespace LedgerVerify.Tests;

/// <summary>The witness's add-checkpoint as c2sp.org/tlog-witness says, every refusal included, on a real listener.</summary>
public sealed class WitnessTests : IAsyncLifetime
{
    private WitnessHarness _w = null!;

    public async Task InitializeAsync() => _w = await WitnessHarness.StartAsync();

    public async Task DisposeAsync() => await _w.DisposeAsync();

    private async Task Cosigned(int old, int size)
    {
        var a = await _w.PostAsync(_w.Body(old, size));
        a.Status.ShouldBe(200, a.ToString());
    }

    [Fact]
    public async Task the_first_checkpoint_is_cosigned_from_old_0_and_the_cosignature_meets_a_readers_policy()
    {
        var a = await _w.PostAsync(_w.Body(0, 5));
        a.Status.ShouldBe(200, a.ToString());
        a.ContentType.ShouldStartWith("text/plain");
        a.Body.ShouldStartWith($"— {WitnessHarness.Name} ");
        a.Body.Count(c => c == '\n').ShouldBe(1);
        a.Body.ShouldEndWith("\n");

        var note = SignedNote.Parse(_w.Log.Checkpoint(5) + a.Body);
        var trusted = Trust.Cosigned(note, _w.Policy, "test");
        trusted.Cosigners.Single().Time.ShouldBe(1_765_000_000);
        File.ReadAllText(_w.StatePath).ShouldContain("\"size\": 5");
    }

    [Fact]
    public async Task the_log_grows_with_consistency_proofs_and_the_state_follows()
    {
        await Cosigned(0, 5);
        await Cosigned(5, 12);
        await Cosigned(12, 13);
        await Cosigned(13, 40);
        var state = WitnessState.Load(_w.StatePath).Latest(_w.Log.Origin)!;
        state.Size.ShouldBe(40);
        state.Root.ShouldBe(_w.Log.Root(40));
        state.Checkpoint.ShouldStartWith(_w.Log.Checkpoint(40));
        state.Checkpoint.ShouldContain($"— {WitnessHarness.Name} ");
    }

    [Fact]
    public async Task the_same_checkpoint_again_is_cosigned_again()
    {
        await Cosigned(0, 5);
        _w.Clock.Now = _w.Clock.Now.AddSeconds(60);
        var a = await _w.PostAsync(_w.Body(5, 5));
        a.Status.ShouldBe(200);
        Trust.Cosigned(SignedNote.Parse(_w.Log.Checkpoint(5) + a.Body), _w.Policy, "test").Cosigners.Single().Time.ShouldBe(1_765_000_060);
    }

    [Fact]
    public async Task an_old_size_that_is_not_the_latest_cosigned_is_409_with_the_latest_size()
    {
        var a = await _w.PostAsync(_w.Body(3, 5));
        (a.Status, a.ContentType, a.Body).ShouldBe((409, "text/x.tlog.size", "0\n"));
        await Cosigned(0, 5);
        a = await _w.PostAsync(_w.Body(0, 12));
        (a.Status, a.ContentType, a.Body).ShouldBe((409, "text/x.tlog.size", "5\n"));
        a = await _w.PostAsync(_w.Body(4, 12));
        (a.Status, a.Body).ShouldBe((409, "5\n"));
    }

    [Fact]
    public async Task an_unknown_origin_is_404()
    {
        using var other = new TestLog(3, "ledger.test/other");
        var a = await _w.PostAsync($"old 0\n\n{other.Checkpoint(3)}");
        a.Status.ShouldBe(404, a.ToString());
        a.Body.ShouldContain("unknown log origin 'ledger.test/other'");
    }

    [Fact]
    public async Task a_checkpoint_no_trusted_key_signed_is_403()
    {
        using var impostor = new TestLog(5, _w.Log.Origin);
        var a = await _w.PostAsync(_w.Body(0, 5, checkpoint: impostor.Checkpoint(5)));
        a.Status.ShouldBe(403, a.ToString());
        a.Body.ShouldContain("no signature by a known key");

        // The log's own key over another text: a known key whose signature fails.
        var body = _w.Log.Body(5);
        var forged = _w.Log.Body(6) + "\n" + _w.Log.Key.NoteSignatureLine(body);
        a = await _w.PostAsync(_w.Body(0, 6, checkpoint: forged));
        a.Status.ShouldBe(403, a.ToString());
        a.Body.ShouldContain("does not verify");
    }

    [Fact]
    public async Task an_old_size_above_the_checkpoints_is_400()
    {
        await Cosigned(0, 5);
        var a = await _w.PostAsync(_w.Body(6, 5, proof: []));
        a.Status.ShouldBe(400, a.ToString());
        a.Body.ShouldContain("old size 6 is larger than the checkpoint's size 5");
    }

    public static TheoryData<string, string> MalformedBodies() => new()
    {
        { "old 01\n\n{C5}", "the first line is not 'old N'" },
        { "old -1\n\n{C5}", "the first line is not 'old N'" },
        { "Old 0\n\n{C5}", "the first line is not 'old N'" },
        { "old 0", "the first line is not 'old N'" },
        { "old 0\n{C5}", "proof line 1 is not the base64" },
        { "old 0\nAAAA\n\n{C5}", "proof line 1 is not the base64 of a 32-byte hash" },
        { "old 0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "no empty line before the checkpoint" },
        { "old 0\n" + string.Concat(Enumerable.Repeat("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 64)) + "\n{C5}", "more than 63" },
        { "old 0\n\n{B5}", "the checkpoint: a note has a blank line" },
        { "old 0\n\nhello\n\n— x AAAAAAAA\n", "the checkpoint: a checkpoint body has at least three lines" },
        { "old 0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n{C5}", "the consistency proof from old size 0 is empty" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task malformed_bodies_are_400(string template, string saying)
    {
        var a = await _w.PostAsync(template.Replace("{C5}", _w.Log.Checkpoint(5)).Replace("{B5}", _w.Log.Body(5)));
        a.Status.ShouldBe(400, a.ToString());
        a.Body.ShouldContain(saying);
    }

    [Fact]
    public async Task a_body_that_is_not_utf8_is_400_and_one_over_64_KiB_is_413()
    {
        (await _w.PostAsync([.. "old 0\n\n"u8, 0xff, 0x0a])).Status.ShouldBe(400);
        var big = await _w.PostAsync(_w.Body(0, 5) + new string('x', 64 * 1024));
        big.Status.ShouldBe(413, big.ToString());
    }

    [Fact]
    public async Task the_same_size_with_another_root_is_409_and_both_checkpoints_go_to_standard_error()
    {
        await Cosigned(0, 5);
        using var forked = new TestLog(5, _w.Log.Origin, _w.Log.Key);
        forked.Events[4] = forked.Events[4] with { Text = [.. forked.Events[4].Text, 0x21] };
        var refused = forked.Checkpoint(5);
        var a = await _w.PostAsync($"old 5\n\n{refused}");
        a.Status.ShouldBe(409, a.ToString());
        a.ContentType.ShouldNotBe("text/x.tlog.size");
        var evidence = ForkEvidence();
        evidence.GetProperty("status").GetInt32().ShouldBe(409);
        evidence.GetProperty("cosigned").GetString()!.ShouldStartWith(_w.Log.Checkpoint(5));
        evidence.GetProperty("refused").GetString().ShouldBe(refused);
        WitnessState.Load(_w.StatePath).Latest(_w.Log.Origin)!.Root.ShouldBe(_w.Log.Root(5));
    }

    [Fact]
    public async Task a_consistency_proof_that_fails_is_422_and_both_checkpoints_go_to_standard_error()
    {
        await Cosigned(0, 5);
        var proof = _w.Log.Consistency(5, 12);
        proof[0][0] ^= 1;
        var a = await _w.PostAsync(_w.Body(5, 12, proof));
        a.Status.ShouldBe(422, a.ToString());
        var evidence = ForkEvidence();
        evidence.GetProperty("forkEvidence").GetString().ShouldBe(_w.Log.Origin);
        evidence.GetProperty("cosigned").GetString()!.ShouldStartWith(_w.Log.Checkpoint(5));
        evidence.GetProperty("refused").GetString().ShouldBe(_w.Log.Checkpoint(12));
        evidence.GetProperty("proof").GetArrayLength().ShouldBe(proof.Count);
        WitnessState.Load(_w.StatePath).Latest(_w.Log.Origin)!.Size.ShouldBe(5);
        (await _w.PostAsync(_w.Body(5, 12, proof: []))).Status.ShouldBe(422);
    }

    [Fact]
    public async Task the_state_survives_a_restart()
    {
        await Cosigned(0, 7);
        await _w.RestartAsync();
        var a = await _w.PostAsync(_w.Body(0, 9));
        (a.Status, a.Body).ShouldBe((409, "7\n"));
        await Cosigned(7, 9);
    }

    [Fact]
    public async Task concurrent_submissions_never_roll_the_state_back()
    {
        await Cosigned(0, 1);
        // Writers blocked on the lock hold their threads: enough threads that all twenty reach it.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        _w.HoldNextSaveUntilArrivals(20);
        // Twenty writers race from size 1 to sizes 2..21, each retrying from the size a 409 names
        // until its size is cosigned or the witness is past it. Without the lock around
        // check-and-save, a slower writer of a smaller size could overwrite a larger one.
        var sizes = Enumerable.Range(2, 20).ToList();
        var cosigned = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Task.WhenAll(sizes.Select(size => Task.Run(async () =>
        {
            var old = 1;
            for (var attempt = 0; attempt < 100; attempt++)
            {
                if (old > size) return;
                var a = await _w.PostAsync(_w.Body(old, size));
                if (a.Status == 200)
                {
                    cosigned.Add(size);
                    return;
                }
                a.Status.ShouldBe(409, a.ToString());
                old = int.Parse(a.Body.TrimEnd('\n'), System.Globalization.CultureInfo.InvariantCulture);
            }
        })));
        cosigned.ShouldContain(21);
        _w.Saved.ShouldBe(_w.Saved.Order().Distinct().ToList(), "every save is of a larger size than the one before");
        WitnessState.Load(_w.StatePath).Latest(_w.Log.Origin)!.Size.ShouldBe(21);
        var a = await _w.PostAsync(_w.Body(0, 21));
        (a.Status, a.Body).ShouldBe((409, "21\n"));
    }

    [Fact]
    public async Task only_post_add_checkpoint_is_served()
    {
        (await _w.Http.GetAsync(_w.Url + "/add-checkpoint")).StatusCode.ShouldBe(System.Net.HttpStatusCode.MethodNotAllowed);
        (await _w.Http.PostAsync(_w.Url + "/checkpoint", new StringContent(""))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NotFound);
    }

    private JsonElement ForkEvidence()
    {
        var line = _w.Err.ToString().Split('\n').Single(l => l.StartsWith("{\"forkEvidence\"", StringComparison.Ordinal));
        return JsonDocument.Parse(line).RootElement.Clone();
    }
}
