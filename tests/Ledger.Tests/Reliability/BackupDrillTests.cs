using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Investigations;
using Shouldly;
using Xunit.Abstractions;
using static Ledger.Tests.Reliability.BackupDrill;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Reliability;

[CollectionDefinition(Name)]
public sealed class BackupDrillCollection
{
    public const string Name = "backup-drill";
}

/// <summary>
/// Backups proven by restoring (issue 16 item 2), with the rollback detection: a base backup and the
/// WAL archive of a live service, restored with infra/backup/restore.sh to an instant T between two
/// batches and to the archive's end. The point-in-time copy verifies on its own, yet the service
/// refuses writes on it because the trusted checkpoint is newer; the drill names exactly the
/// acknowledged events it lost. The full restore holds all of them and takes events again.
/// Timings go to the test output and to ledger-backup-drill.txt in the temp folder.
/// </summary>
[Collection(BackupDrillCollection.Name)]
public sealed class BackupDrillTests(ITestOutputHelper output)
{
    [Fact]
    public async Task a_restore_to_an_earlier_instant_refuses_writes_and_names_what_it_lost_while_a_full_restore_loses_nothing()
    {
        await using var drill = new BackupDrill(output.WriteLine);
        var source = await drill.StartClusterAsync("source");
        await drill.RunScriptAsync("enable-archiving.sh", "--db", source.ConnectionString(), "--backup-dir", drill.BackupDir, "--restart");
        var (api, http) = await drill.StartApiAsync(source);
        var writer = await api.IssueKeyAsync("drill-writer", "writer");
        var investigator = await api.IssueKeyAsync("drill-investigator", "investigator");

        var acknowledged = await PostAsync(http, writer, RegionTree());
        acknowledged.AddRange(await PostAsync(http, writer, Batch(0)));
        await SignCheckpointAsync(http); // an older checkpoint, inside the base backup
        var clock = Stopwatch.StartNew();
        await drill.RunScriptAsync("backup.sh", "--db", source.ConnectionString(), "--backup-dir", drill.BackupDir);
        var backupSeconds = clock.Elapsed.TotalSeconds;
        for (var b = 1; b <= 3; b++) acknowledged.AddRange(await PostAsync(http, writer, Batch(b)));
        // Read after batch 3 was acknowledged (so after its commit) and before batch 4 is sent:
        // the same machine's clock stamps the commits, the events and T, so T lies between them.
        var t = DateTimeOffset.UtcNow;
        for (var b = 4; b <= 5; b++) acknowledged.AddRange(await PostAsync(http, writer, Batch(b)));
        (await SignCheckpointAsync(http)).ShouldBe(acknowledged.Count);
        new TrustedCheckpointFile(drill.TrustedFile).Read()!.Position.ShouldBe(acknowledged.Count, "the trusted file attests the newest head");
        await api.TerminateAsync();
        await source.StopAsync(); // a clean stop archives the last, partly filled WAL segment

        var at = t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        clock.Restart();
        await drill.RunScriptAsync("restore.sh", "--backup-dir", drill.BackupDir, "--to", at, "--target", drill.DataDir("pitr"));
        var pointRestoreSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        await drill.RunScriptAsync("restore.sh", "--backup-dir", drill.BackupDir, "--target", drill.DataDir("full"));
        var fullRestoreSeconds = clock.Elapsed.TotalSeconds;

        // The copy restored to T: intact on its own, short of the trusted checkpoint.
        var pitr = await drill.StartClusterAsync("pitr");
        var (pitrApi, pitrHttp) = await drill.StartApiAsync(pitr);
        var stored = await StoredEventIdsAsync(pitr);
        var lost = acknowledged.Where(a => !stored.Contains(a.EventId)).ToList();
        var kept = acknowledged.Where(a => stored.Contains(a.EventId)).ToList();
        output.WriteLine($"Acknowledged events lost by the restore to {at} ({lost.Count}): sequence, event id, recorded at");
        foreach (var a in lost) output.WriteLine($"  {a.Sequence}\t{a.EventId}\t{a.RecordedAt:O}");
        lost.Select(a => a.EventId).ShouldBe(acknowledged.Where(a => a.RecordedAt > t).Select(a => a.EventId), ignoreOrder: true);
        kept.Select(a => a.EventId).ShouldBe(acknowledged.Where(a => a.RecordedAt < t).Select(a => a.EventId), ignoreOrder: true);
        lost.Count.ShouldBe(2 * 50);
        lost.Min(a => a.Sequence).ShouldBeGreaterThan(kept.Max(a => a.Sequence));

        var verified = await VerifyAsync(pitrHttp, investigator);
        verified.GetProperty("ok").GetBoolean().ShouldBeTrue(verified.ToString());
        verified.GetProperty("eventsChecked").GetInt64().ShouldBe(kept.Count);

        var refused = await SendAsync(pitrHttp, HttpMethod.Post, "/api/v1/events", writer, Body(Batch(6)));
        refused.Status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        refused.Body.ShouldContain("restored to an older backup");
        refused.Body.ShouldContain($"{lost.Count} acknowledged events are missing");
        var ready = await pitrHttp.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, "contract 1.5: not ready while behind the trusted checkpoint");
        (await ready.Content.ReadAsStringAsync()).ShouldContain("rollback detected (Behind)");

        (await drill.RunScriptAsync("lost-since.sh", "--db", pitr.ConnectionString(), "--trusted", drill.TrustedFile))
            .ShouldContain($"{lost.Count} acknowledged positions are missing");
        var full = await drill.StartClusterAsync("full");
        Listed(await drill.RunScriptAsync("lost-since.sh", "--db", pitr.ConnectionString(), "--against", full.ConnectionString()))
            .ShouldBe(lost.Select(a => a.EventId), ignoreOrder: true);
        Listed(await drill.RunScriptAsync("lost-since.sh", "--db", full.ConnectionString(), "--since", at))
            .ShouldBe(lost.Select(a => a.EventId), ignoreOrder: true);
        await pitrApi.TerminateAsync();
        await pitr.StopAsync();

        // The copy replayed to the archive's end: every acknowledged event, the trusted checkpoint, writes again.
        var (_, fullHttp) = await drill.StartApiAsync(full);
        (await StoredEventIdsAsync(full)).IsSupersetOf(acknowledged.Select(a => a.EventId)).ShouldBeTrue();
        var complete = await VerifyAsync(fullHttp, investigator);
        complete.GetProperty("ok").GetBoolean().ShouldBeTrue(complete.ToString());
        complete.GetProperty("eventsChecked").GetInt64().ShouldBe(acknowledged.Count);
        (await PostAsync(fullHttp, writer, Batch(6))).Count.ShouldBe(50);

        var report = $"""
            backup drill {DateTime.UtcNow:yyyy-MM-dd}: {acknowledged.Count} events acknowledged, base backup after {RegionTree().Length + 50}
            base backup (backup.sh, plain, verified): {Bytes(Path.Combine(drill.BackupDir, "base")) / 1e6:F1} MB in {backupSeconds:F1} s
            WAL archived: {Bytes(Path.Combine(drill.BackupDir, "wal")) / 1e6:F1} MB ({Directory.GetFiles(Path.Combine(drill.BackupDir, "wal")).Length} files)
            restore.sh to {at}: {pointRestoreSeconds:F1} s, lost {lost.Count} acknowledged events (sequences {lost.Min(a => a.Sequence)}–{lost.Max(a => a.Sequence)})
            restore.sh to the end of the archive: {fullRestoreSeconds:F1} s, lost none
            """;
        output.WriteLine(report);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "ledger-backup-drill.txt"), report);
    }

    private static JsonObject[] Batch(int b) => Enumerable.Range(0, 50).Select(i => Parcel($"410102-D{b}P{i:000}", 5m)).ToArray();

    private static async Task<long> SignCheckpointAsync(HttpClient http)
    {
        var (status, body) = await SendAsync(http, HttpMethod.Post, "/api/v1/ledger/checkpoints", AdminKey);
        status.ShouldBe(HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("checkpoint").GetProperty("position").GetInt64();
    }

    private static async Task<JsonElement> VerifyAsync(HttpClient http, string investigator)
    {
        var (status, body) = await SendAsync(http, HttpMethod.Get, "/api/v1/ledger/verify", investigator);
        status.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The event ids in lost-since.sh's tab-separated lines (position, sequence, id, …).</summary>
    private static IEnumerable<Guid> Listed(string output) =>
        output.Split('\n').Select(l => l.Split('\t')).Where(f => f.Length >= 6).Select(f => Guid.Parse(f[2]));
}
