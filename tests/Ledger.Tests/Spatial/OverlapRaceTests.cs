using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Ingest;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Spatial;

/// <summary>
/// A zone and a footprint inside it, posted by two writers at the same moment: each batch looks for overlaps in a
/// snapshot where the other has not committed, so without a lock between them neither finds the overlap they make.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class OverlapRaceTests(LedgerApp app)
{
    [Fact]
    public async Task a_zone_and_a_footprint_appended_at_once_still_make_their_overlap()
    {
        await MapScenario.LoadAsync(app);
        var ingestor = app.Services.GetRequiredService<Ingestor>();
        var zone = Parsed(Make("redline.zone-designated", "410102-RL09", County,
            new JsonObject { ["function"] = "biodiversity", ["approvalRef"] = "批9" }, "2023-01-01").Drawn(Geo.Cell(20, 0, 2, 2)));
        var footprint = Parsed(Make("mining.land-occupied", MapScenario.MineKey, County, new JsonObject { ["priorUse"] = "forest" }, "2023-06-01")
            .Drawn(Geo.Cell(20.5, 0.5, 0.5, 0.5)));

        // The zone's batch stops after its overlap statement, before its commit, until the footprint's batch is done (or 2 s
        // have passed: with the lock, the footprint's batch waits for the zone's commit and cannot be done first).
        var zoneLooked = new TaskCompletionSource();
        var footprintDone = new TaskCompletionSource();
        var held = new IngestPhases(phase =>
        {
            if (phase != "geometry") return;
            zoneLooked.TrySetResult();
            footprintDone.Task.Wait(TimeSpan.FromSeconds(2));
        });
        var zoneBatch = Task.Run(() => ingestor.AppendAsync(zone, "race-zone", CancellationToken.None, held));
        await zoneLooked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var footprintBatch = Task.Run(() => ingestor.AppendAsync(footprint, "race-mine", CancellationToken.None));
        var first = await Task.WhenAny(footprintBatch, Task.Delay(TimeSpan.FromSeconds(1)));
        footprintDone.TrySetResult();

        first.ShouldNotBe(footprintBatch, "the footprint's batch finished while the zone's was still uncommitted");
        (await zoneBatch).Rejection.ShouldBeNull();
        (await footprintBatch).Rejection.ShouldBeNull();
        var overlaps = await app.ScalarAsync<long>($"""
            select count(*) from {Ledger.Storage.LedgerStore.Schema}.overlaps o
            join {Ledger.Storage.LedgerStore.Schema}.geo_versions z on z.seq = o.protected_seq and z.stream_id = 'redline:410102-RL09'
            """);
        overlaps.ShouldBe(1L);
    }

    private static IReadOnlyList<IncomingEvent> Parsed(JsonObject e)
    {
        using var doc = JsonDocument.Parse(new JsonObject { ["events"] = new JsonArray(e) }.ToJsonString());
        var outcome = BatchParser.Parse(doc.RootElement);
        outcome.Errors.ShouldBeEmpty();
        return outcome.Events;
    }
}
