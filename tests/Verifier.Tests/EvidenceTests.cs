using System.Text;

namespace LedgerVerify.Tests;

/// <summary><c>evidence BUNDLE.zip --policy POLICY</c> on a bundle the test builds, whole and tampered.</summary>
public sealed class EvidenceTests : IDisposable
{
    private readonly EvidenceFixture _f = new();
    private readonly TempDir _dir = new();

    private CliResult Verify(string? policy = null) =>
        Cli.Run("evidence", _f.Zip(_dir.File("bundle.zip")), "--policy", _dir.Write("policy", policy ?? _f.Policy()));

    private CliResult VerifyZip(IEnumerable<KeyValuePair<string, byte[]>> files) =>
        Cli.Run("evidence", EvidenceFixture.Zip(_dir.File("raw.zip"), files), "--policy", _dir.Write("policy", _f.Policy()));

    private static void ShouldBeInvalid(CliResult r, params string[] saying)
    {
        r.Code.ShouldBe(1, r.ToString());
        foreach (var s in saying) r.Out.ShouldContain(s, Case.Sensitive, r.ToString());
    }

    [Fact]
    public void a_whole_bundle_verifies_and_the_summary_names_report_log_checkpoint_events_and_witness()
    {
        var r = Verify();
        r.Code.ShouldBe(0, r.ToString());
        r.Out.ShouldStartWith("VALID evidence bundle bundle.zip");
        r.Out.ShouldContain(_f.ReportId);
        r.Out.ShouldContain(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(_f.Files["report.json"])));
        r.Out.ShouldContain("ledger.test/shard-41 (database shard-41)");
        r.Out.ShouldContain("size 12");
        r.Out.ShouldContain("3 verified");
        r.Out.ShouldContain("3 in report.json");
        r.Out.ShouldContain("w1 (audit.test/w1+");
        r.Out.ShouldNotContain("w2 (");
    }

    [Fact]
    public void a_flipped_byte_in_an_event_text_names_that_file()
    {
        var e = _f.Cited[1];
        _f.Files[$"events/{e.EventId}.txt"] = EvidenceFixture.Flip(e.Text, 30);
        ShouldBeInvalid(Verify(), $"INVALID events/{e.EventId}.txt: its SHA-256", "the log holds another text", "INVALID: 1 problem");
    }

    [Fact]
    public void every_tampered_event_is_reported_not_only_the_first()
    {
        foreach (var e in _f.Cited) _f.Files[$"events/{e.EventId}.txt"] = EvidenceFixture.Flip(e.Text, 2);
        ShouldBeInvalid(Verify(), "INVALID: 3 problems");
    }

    [Fact]
    public void a_flipped_byte_in_a_proof_hash_names_the_proof_and_its_lines()
    {
        var e = _f.Cited[0];
        var lines = _f.Log.TlogProof(e, EvidenceFixture.Size, _f.Checkpoint).Split('\n');
        var hash = Convert.FromBase64String(lines[3]);
        hash[0] ^= 0x80;
        lines[3] = Convert.ToBase64String(hash);
        _f.Files[$"proofs/{e.EventId}.tlog-proof"] = Encoding.UTF8.GetBytes(string.Join('\n', lines));
        ShouldBeInvalid(Verify(), $"INVALID proofs/{e.EventId}.tlog-proof lines 4–", "does not lead from entry 2 to the checkpoint's root");
    }

    [Fact]
    public void a_flipped_byte_in_the_report_breaks_its_sha256()
    {
        _f.Files["report.json"] = EvidenceFixture.Flip(_f.Files["report.json"], 5);
        ShouldBeInvalid(Verify(), "INVALID report.json: its SHA-256", "not the manifest's reportSha256");
    }

    [Fact]
    public void a_policy_whose_quorum_the_bundle_cannot_meet_is_refused_though_the_bundles_own_policy_asks_nothing()
    {
        ShouldBeInvalid(Verify(_f.Policy(quorum: "both", groups: "group both all w1 w2\n")),
            "INVALID checkpoint: the cosignatures do not meet the policy's quorum, group both: 2 of 2 (w1, w2); cosigned by w1");
        ShouldBeInvalid(Verify(_f.Policy(quorum: "w2")), "witness w2", "cosigned by w1");
    }

    [Fact]
    public void a_quorum_of_any_or_a_threshold_the_cosignatures_meet_verifies()
    {
        Verify(_f.Policy(quorum: "either", groups: "group either any w1 w2\n")).Code.ShouldBe(0);
        Verify(_f.Policy(quorum: "one", groups: "group one 1 w2 w1\n")).Code.ShouldBe(0);
        Verify($"log {_f.Log.Key.VerifierKey}\nquorum none\n").Code.ShouldBe(0);
    }

    [Fact]
    public void a_report_citing_an_event_not_in_the_bundle_names_the_citation()
    {
        var outside = _f.Log.Events[10];
        _f.SetReport(_f.ReportJson(_f.Cited, $"{{\"sequence\":{outside.Sequence},\"eventId\":\"{outside.EventId}\"}}"));
        ShouldBeInvalid(Verify(), $"INVALID report.json $.extra: cites event {outside.EventId} (sequence {outside.Sequence}), which is not in the bundle");
    }

    [Fact]
    public void a_report_citing_a_bundled_event_with_another_sequence_is_refused()
    {
        var e = _f.Cited[2];
        _f.SetReport(_f.ReportJson(_f.Cited, $"{{\"sequence\":{e.Sequence + 1},\"eventId\":\"{e.EventId}\"}}"));
        ShouldBeInvalid(Verify(), $"cites event {e.EventId} with sequence {e.Sequence + 1}; the bundle holds it with sequence {e.Sequence}");
    }

    [Fact]
    public void a_report_of_another_id_than_the_manifest_is_refused()
    {
        _f.SetReport(_f.ReportJson(_f.Cited).Replace(_f.ReportId, "00000000-0000-0000-0000-000000000001"));
        ShouldBeInvalid(Verify(), "INVALID report.json $.reportId");
    }

    [Fact]
    public void an_event_text_that_hashes_right_but_begins_with_another_sequence_is_refused()
    {
        // The log itself holds this text, so only the prefix check can see it is not the manifest's event.
        using var log = new TestLog(0);
        var e = new TestEvent(1, 1, "0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01", Encoding.UTF8.GetBytes("2|0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01|stream|1|x|{}"));
        log.Events.Add(e);
        var checkpoint = log.Checkpoint(1, _f.W1);
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["checkpoint"] = Encoding.UTF8.GetBytes(checkpoint),
            ["policy"] = [],
            [$"events/{e.EventId}.txt"] = e.Text,
            [$"proofs/{e.EventId}.tlog-proof"] = Encoding.UTF8.GetBytes(log.TlogProof(e, 1, checkpoint)),
            ["report.json"] = Encoding.UTF8.GetBytes($"[{{\"sequence\":1,\"eventId\":\"{e.EventId}\"}}]"),
        };
        files["manifest.json"] = Encoding.UTF8.GetBytes(new EvidenceFixtureManifest(log, files["report.json"], e).Json);
        var r = Cli.Run("evidence", EvidenceFixture.Zip(_dir.File("one.zip"), files), "--policy",
            _dir.Write("p1", $"log {log.Key.VerifierKey}\nwitness w1 {_f.W1.VerifierKey}\nquorum w1\n"));
        ShouldBeInvalid(r, $"INVALID events/{e.EventId}.txt: does not begin '1|{e.EventId}|'");
    }

    [Fact]
    public void a_checkpoint_signed_by_a_log_the_reader_does_not_trust_is_refused()
    {
        using var other = new TestKey(_f.Log.Origin, 0x01);
        ShouldBeInvalid(Verify(_f.Policy().Replace(_f.Log.Key.VerifierKey, other.VerifierKey)), "INVALID checkpoint: the log's signature: no signature by a known key");
        using var elsewhere = new TestKey("ledger.test/other", 0x01);
        ShouldBeInvalid(Verify(_f.Policy().Replace(_f.Log.Key.VerifierKey, elsewhere.VerifierKey)), "no log in the policy has the origin 'ledger.test/shard-41'");
    }

    [Fact]
    public void a_cosignature_by_a_policy_witness_that_does_not_verify_rejects_the_checkpoint()
    {
        var body = _f.Log.Body(EvidenceFixture.Size);
        var forged = _f.W1.CosignatureLine(body + "x\n", 1_765_000_000);
        var note = body + "\n" + _f.Log.Key.NoteSignatureLine(body) + forged;
        _f.Files["checkpoint"] = Encoding.UTF8.GetBytes(note);
        ShouldBeInvalid(Verify(), "INVALID checkpoint: the cosignature of witness w1 (audit.test/w1+");
    }

    [Fact]
    public void signatures_by_unknown_keys_are_ignored()
    {
        using var stranger = new TestKey("audit.test/stranger", 0x04);
        var note = _f.Checkpoint + stranger.CosignatureLine(_f.Log.Body(EvidenceFixture.Size), 5) + "— audit.test/w1 AAAAAAAAAAAA\n";
        _f.Files["checkpoint"] = Encoding.UTF8.GetBytes(note);
        foreach (var e in _f.Cited) _f.Files[$"proofs/{e.EventId}.tlog-proof"] = Encoding.UTF8.GetBytes(_f.Log.TlogProof(e, EvidenceFixture.Size, note));
        var r = Verify();
        r.Code.ShouldBe(0, r.ToString());
    }

    [Fact]
    public void a_proof_against_another_checkpoint_is_refused()
    {
        var e = _f.Cited[0];
        var smaller = _f.Log.Checkpoint(10, _f.W1);
        _f.Files[$"proofs/{e.EventId}.tlog-proof"] = Encoding.UTF8.GetBytes(_f.Log.TlogProof(e, 10, smaller));
        ShouldBeInvalid(Verify(), $"INVALID proofs/{e.EventId}.tlog-proof: embeds another checkpoint");
    }

    [Fact]
    public void a_proof_whose_entry_is_another_event_is_refused()
    {
        var (e, other) = (_f.Cited[0], _f.Log.Events[9]);
        var text = _f.Log.TlogProof(other, EvidenceFixture.Size, _f.Checkpoint);
        _f.Files[$"proofs/{e.EventId}.tlog-proof"] = Encoding.UTF8.GetBytes(text);
        ShouldBeInvalid(Verify(), $"INVALID proofs/{e.EventId}.tlog-proof line 2 (extra): the entry is event {other.EventId}");
    }

    [Fact]
    public void a_proof_whose_index_is_not_position_minus_one_is_refused()
    {
        var e = _f.Cited[0];
        var text = _f.Log.TlogProof(e, EvidenceFixture.Size, _f.Checkpoint).Replace($"index {e.Position - 1}\n", $"index {e.Position}\n");
        _f.Files[$"proofs/{e.EventId}.tlog-proof"] = Encoding.UTF8.GetBytes(text);
        ShouldBeInvalid(Verify(), $"line 3 (index): index {e.Position} is not the entry's position − 1 = {e.Position - 1}");
    }

    [Fact]
    public void a_malformed_proof_names_its_line()
    {
        var e = _f.Cited[0];
        var text = _f.Log.TlogProof(e, EvidenceFixture.Size, _f.Checkpoint).Replace($"index {e.Position - 1}\n", $"index 0{e.Position - 1}\n");
        _f.Files[$"proofs/{e.EventId}.tlog-proof"] = Encoding.UTF8.GetBytes(text);
        ShouldBeInvalid(Verify(), $"INVALID proofs/{e.EventId}.tlog-proof: line 3 is not 'index N'");
    }

    [Fact]
    public void files_and_manifest_events_must_match_one_to_one()
    {
        var e = _f.Cited[0];
        _f.Files.Remove($"events/{e.EventId}.txt");
        var stray = _f.Log.Events[0];
        _f.Files[$"proofs/{stray.EventId}.tlog-proof"] = Encoding.UTF8.GetBytes(_f.Log.TlogProof(stray, EvidenceFixture.Size, _f.Checkpoint));
        ShouldBeInvalid(Verify(), $"INVALID events/{e.EventId}.txt: is missing", $"INVALID proofs/{stray.EventId}.tlog-proof: is not an event of manifest.json");
    }

    [Fact]
    public void a_manifest_that_disagrees_with_the_checkpoint_is_refused()
    {
        var manifest = Encoding.UTF8.GetString(_f.Files["manifest.json"]);
        _f.Files["manifest.json"] = Encoding.UTF8.GetBytes(manifest.Replace("\"checkpointSize\":12", "\"checkpointSize\":11").Replace("\"database\":\"shard-41\"", "\"database\":\"shard-42\""));
        ShouldBeInvalid(Verify(), "checkpointSize 11 is not the checkpoint's size 12", "database 'shard-42'");
    }

    [Fact]
    public void a_manifest_with_a_member_named_twice_is_refused()
    {
        var manifest = Encoding.UTF8.GetString(_f.Files["manifest.json"]);
        _f.Files["manifest.json"] = Encoding.UTF8.GetBytes(manifest.Replace("{\"format\"", "{\"origin\":\"x\",\"format\""));
        ShouldBeInvalid(Verify(), "INVALID manifest.json: not valid JSON");
    }

    [Theory]
    [InlineData("../manifest.json")]
    [InlineData("/etc/passwd")]
    [InlineData("events/../../x.txt")]
    [InlineData("events\\x.txt")]
    [InlineData("C:evil")]
    [InlineData("./policy")]
    public void unsafe_names_are_refused_before_anything_is_read(string name)
    {
        ShouldBeInvalid(VerifyZip(_f.Files.Append(new(name, [1]))), "an unsafe file name");
    }

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("events/")]
    [InlineData("events/5F0C7A52-3B1E-4D8E-9A41-0C6F2B7D9E10.txt")]
    [InlineData("proofs/5f0c7a52-3b1e-4d8e-9a41-0c6f2b7d9e10.txt")]
    public void names_outside_the_layout_are_refused(string name)
    {
        ShouldBeInvalid(VerifyZip(_f.Files.Append(new(name, [1]))), "not a file of the ledger-evidence/v1 layout");
    }

    [Fact]
    public void a_name_twice_in_the_zip_is_refused()
    {
        ShouldBeInvalid(VerifyZip(_f.Files.Append(new("report.json", _f.Files["report.json"]))), "INVALID raw.zip: report.json: appears twice");
    }

    [Fact]
    public void an_entry_inflating_past_its_cap_is_refused()
    {
        // 2 MiB of zeros compress to a few KiB: the cap is on what inflates, not on the zip's header.
        _f.Files["checkpoint"] = new byte[2 << 20];
        ShouldBeInvalid(Verify(), "checkpoint: inflates to more than 1048576 bytes");
    }

    [Fact]
    public void missing_layout_files_and_non_zips_are_refused()
    {
        _f.Files.Remove("policy");
        ShouldBeInvalid(Verify(), "policy is missing");
        var r = Cli.Run("evidence", _dir.Write("x.zip", "not a zip"), "--policy", _dir.Write("policy", _f.Policy()));
        ShouldBeInvalid(r, "INVALID x.zip: not a readable zip");
    }

    [Fact]
    public void usage_errors_exit_2()
    {
        var policy = _dir.Write("policy", _f.Policy());
        Cli.Run("evidence", "--policy", policy).Code.ShouldBe(2);
        Cli.Run("evidence", _dir.File("none.zip"), "--policy", policy).Code.ShouldBe(2);
        Cli.Run("evidence", _f.Zip(_dir.File("b.zip"))).Code.ShouldBe(2);
        Cli.Run("evidence", _f.Zip(_dir.File("b.zip")), "--policy", _dir.Write("bad", "quorum w9\n")).Err.ShouldContain("policy");
        Cli.Run("evidence", _f.Zip(_dir.File("b.zip")), "--policy", policy, "--frobnicate", "x").Code.ShouldBe(2);
        Cli.Run().Code.ShouldBe(2);
        Cli.Run("audit").Code.ShouldBe(2);
    }

    public void Dispose()
    {
        _f.Dispose();
        _dir.Dispose();
    }
}

/// <summary>The manifest of a one-event bundle outside <see cref="EvidenceFixture"/>.</summary>
internal sealed record EvidenceFixtureManifest(TestLog Log, byte[] Report, TestEvent Event)
{
    public string Json => System.Text.Json.JsonSerializer.Serialize(new
    {
        format = "ledger-evidence/v1",
        reportId = "5f0c7a52-3b1e-4d8e-9a41-0c6f2b7d9e10",
        reportSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Report)),
        database = Log.Origin[(Log.Origin.LastIndexOf('/') + 1)..],
        origin = Log.Origin,
        checkpointSize = 1,
        events = new[] { new { sequence = Event.Sequence, eventId = Event.EventId, position = Event.Position } },
    });
}
