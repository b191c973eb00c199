using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Ledger.Ingest;
using NodaTime;

namespace Ledger.Imports;

/// <summary>
/// Runs an import: reads the stored file feature by feature, turns each into an event, and posts
/// them through the same parser and <see cref="Ingestor"/> as <c>POST /events</c>, 1,000 at a time (a batch's most),
/// as the client who uploaded it. A batch the rules refuse is retried without the features its
/// errors name, so one bad feature never holds back the others. After every batch a progress row
/// records the counts: a job started again (after a restart) skips the features already counted,
/// and re-posting any of them is harmless because their event ids are deterministic.
/// Jobs wait for a slot of <see cref="FairGate"/>, run at most <see cref="ImportLimits.MaxRun"/>
/// and stop when cancelled; batches are bounded by bytes as well as by count.
/// </summary>
public sealed partial class ImportRunner(ImportStore imports, IIngestRouting routing, IClock clock, ImportLimits limits, FairGate gate,
    ImportCancellations cancellations, ScratchSpace scratch, IIngestPhaseSink? phaseSink = null)
{
    public const int BatchSize = 1000;
    public const long BatchBytes = 16 * 1024 * 1024;

    public async Task RunAsync(Guid id, CancellationToken stopping)
    {
        if (await imports.JobAsync(id, stopping) is not { } job) return;
        using var cancel = cancellations.Register(id, stopping);
        try
        {
            using var slot = await gate.EnterAsync(job.Client, cancel.Token);
            cancel.CancelAfter(limits.MaxRun);
            await RunAsync(job, cancel.Token);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            // Cancelled by its client (the final row is already written) or out of time (this row says so).
            await imports.AppendProgressAsync(id, await CountsAsync(job), "failed", [],
                $"the job ran longer than {Describe(limits.MaxRun)} (LEDGER_IMPORT_MAX_MINUTES) and was stopped. " +
                "What was appended stays; upload the file again (or split it) to append the rest.", clock.GetCurrentInstant(), CancellationToken.None);
        }
        finally
        {
            cancellations.Unregister(id);
        }
    }

    private static string Describe(TimeSpan t) => t >= TimeSpan.FromMinutes(1) ? $"{t.TotalMinutes:0.#} minutes" : $"{t.TotalSeconds:0.#} s";

    private async Task<ImportCounts> CountsAsync(ImportJob job)
    {
        var s = await imports.StatusAsync(job, 0, 0, CancellationToken.None);
        return s.Counts;
    }

    private async Task RunAsync(ImportJob job, CancellationToken ct)
    {
        var id = job.Id;
        var status = await imports.StatusAsync(job, 0, 0, ct);
        if (ImportStore.Terminal.Contains(status.Status)) return;
        var work = Storage.ScratchFolders.Create("import");
        var counts = status.Counts;
        try
        {
            var file = Path.Combine(work, "upload");
            await imports.WriteFileAsync(id, file, ct);
            var (mapping, mappingErrors) = ImportMapping.Parse(job.Layer, job.Mapping);
            if (mapping is null) throw new ImportFileException($"mapping: {mappingErrors[0].Message}");
            using var scratchLease = scratch.EnterJob();
            scratchLease.Grow(job.FileBytes);
            using var source = ImportFiles.Open(file, job.FileName, work, scratchLease, ct);
            // Reading and parsing the next batch overlaps appending this one: the file, the mapping and the parser are CPU in
            // this process, the append mostly PostgreSQL's, and on two cores the two ran one after the other.
            var batches = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // Resume: the features counted by the last progress row were handled by an earlier run.
            var reading = Task.Run(() => ReadAsync(source.Features().Skip(status.FeaturesRead), job, mapping, batches.Writer, stop.Token), stop.Token);
            try
            {
                // A batch's phases: waiting for the reader (import_read: what reading and parsing did not hide behind the last
                // append), the append's own, and the progress row (import_progress).
                var phases = new IngestPhases();
                await foreach (var chunk in batches.Reader.ReadAllAsync(ct))
                {
                    phases.Mark("import_read");
                    counts = await FlushAsync(id, job, chunk, counts, phases, ct);
                    phaseSink?.Record(phases);
                    phases = new IngestPhases();
                }
                await reading; // the reader's own failure (a file that reads differently now), as it was thrown
            }
            finally
            {
                // The source is disposed below: the reader must be done with it first, whichever side stopped.
                await stop.CancelAsync();
                await Task.WhenAny(reading);
            }
            await imports.AppendProgressAsync(id, counts, "done", [], null, clock.GetCurrentInstant(), ct);
        }
        catch (ImportFileException) when (ct.IsCancellationRequested)
        {
            // SQLite was interrupted because the job was cancelled or ran out of time: the caller says which.
            throw new OperationCanceledException(ct);
        }
        catch (ImportFileException e)
        {
            // The file was checked at upload; this is a file that reads differently now (or a failure midway).
            await imports.AppendProgressAsync(id, counts, "failed", [], $"the file {e.Message}", clock.GetCurrentInstant(), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Say so rather than leave the import "running" for ever. What was appended stays, and
            // uploading the file again appends only the rest (its event ids are the same).
            await imports.AppendProgressAsync(id, counts, "failed", [], $"the job stopped: {e.GetType().Name}: {e.Message}. Upload the file again to append the rest.",
                clock.GetCurrentInstant(), CancellationToken.None);
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// A batch read from the file: the features to post, grouped by database (a batch is atomic within one database) and
    /// parsed already; those rejected before posting; and how many features it read and skipped (counted when it is flushed,
    /// so a progress row never counts a feature whose batch was not appended).
    /// </summary>
    private sealed record Chunk(List<Group> Groups, List<RejectedFeature> Rejected, int Read, int Skipped);

    private sealed record Group(Ingestor Ingestor, List<(ImportFeature Feature, JsonObject Event, string? Group)> Pending, BatchParser.Outcome Parsed);

    /// <summary>Reads the features into batches of at most <see cref="BatchSize"/> (or <see cref="BatchBytes"/>), parsed, for <see cref="FlushAsync"/>.</summary>
    private async Task ReadAsync(IEnumerable<ImportFeature> features, ImportJob job, ImportMapping mapping, ChannelWriter<Chunk> batches,
        CancellationToken ct)
    {
        try
        {
            var batch = new List<(ImportFeature Feature, JsonObject Event, string? Group)>();
            var rejected = new List<RejectedFeature>();
            var (read, skipped, bytes) = (0, 0, 0L);
            foreach (var feature in features)
            {
                ct.ThrowIfCancellationRequested();
                read++;
                bytes += feature.Bytes;
                var outcome = FeatureEvents.Of(feature, mapping, job.EffectiveDate);
                if (outcome.Skipped is not null) skipped++;
                else if (outcome.Event is null) rejected.Add(new RejectedFeature(feature.Number, outcome.Reasons));
                else if (!Regions.RegionCodes.Contains(job.Scope, outcome.Event["regionCode"]!.GetValue<string>()))
                    rejected.Add(new RejectedFeature(feature.Number, [$"region {outcome.Event["regionCode"]} is outside the importing client's scope {job.Scope}"]));
                else batch.Add((feature, outcome.Event, outcome.Group));

                if (batch.Count + rejected.Count >= BatchSize || bytes >= BatchBytes)
                {
                    // Waits while the previous batch is being appended: one batch ahead, no more (memory stays a batch's).
                    await batches.WriteAsync(Chunked(batch, rejected, read, skipped), ct);
                    (batch, rejected, read, skipped, bytes) = ([], [], 0, 0, 0);
                }
            }
            if (read > 0) await batches.WriteAsync(Chunked(batch, rejected, read, skipped), ct);
        }
        finally
        {
            batches.TryComplete();
        }
    }

    private Chunk Chunked(List<(ImportFeature Feature, JsonObject Event, string? Group)> batch, List<RejectedFeature> rejected, int read, int skipped)
    {
        var groups = new List<Group>();
        // A database's route is one (name, ingestor) pair, so the routes themselves group the batch.
        foreach (var route in batch.GroupBy(b => routing.For(b.Event["regionCode"]!.GetValue<string>())))
        {
            var pending = route.ToList();
            groups.Add(new Group(route.Key.Ingestor, pending, Parse(pending)));
        }
        return new Chunk(groups, rejected, read, skipped);
    }

    private async Task<ImportCounts> FlushAsync(Guid id, ImportJob job, Chunk chunk, ImportCounts counts, IngestPhases phases, CancellationToken ct)
    {
        counts = counts with { FeaturesRead = counts.FeaturesRead + chunk.Read, Skipped = counts.Skipped + chunk.Skipped };
        var rejected = chunk.Rejected;
        foreach (var group in chunk.Groups)
        {
            var (pending, parsed) = (group.Pending, group.Parsed);
            while (pending.Count > 0)
            {
                var refused = await TryPostAsync(group.Ingestor, parsed, job.Client, phases, ct);
                if (refused.Results is { } results)
                {
                    counts = (counts with
                    {
                        Appended = counts.Appended + results.Count(r => r.Status == "appended"),
                        Duplicates = counts.Duplicates + results.Count(r => r.Status != "appended"),
                    }).Stored(pending.Select(p => p.Group));
                    break;
                }
                // Drop the features the errors name; an error naming none refuses the rest of the batch with it.
                var named = refused.Errors.GroupBy(e => Index(e.Field)).ToList();
                var unplaced = named.Where(g => g.Key is null || g.Key >= pending.Count).SelectMany(g => g).ToList();
                var drop = unplaced.Count > 0 ? Enumerable.Range(0, pending.Count).ToHashSet() : named.Select(g => g.Key!.Value).ToHashSet();
                foreach (var i in drop.Order())
                {
                    var reasons = named.Where(g => g.Key == i).SelectMany(g => g).Concat(unplaced).Select(Reason).ToList();
                    rejected.Add(new RejectedFeature(pending[i].Feature.Number, reasons));
                }
                pending = pending.Where((_, i) => !drop.Contains(i)).ToList();
                if (pending.Count > 0) parsed = Parse(pending);
            }
        }
        var kept = rejected.OrderBy(r => r.Feature).Take(Math.Max(0, ImportStore.MaxKeptRejections - counts.Rejected)).Select(ImportStore.Kept).ToList();
        counts = counts with { Rejected = counts.Rejected + rejected.Count };
        // False when the import was cancelled meanwhile (on any node): stop here.
        if (!await imports.AppendProgressAsync(id, counts, "running", kept, null, clock.GetCurrentInstant(), ct))
            throw new OperationCanceledException("the import was cancelled");
        phases.Mark("import_progress");
        return counts;
    }

    /// <summary>The features' events as <c>POST /events</c> would parse them.</summary>
    /// <remarks>The body is written straight from the events' nodes: a new tree would have to clone each of them (a node has one parent).</remarks>
    private static BatchParser.Outcome Parse(List<(ImportFeature Feature, JsonObject Event, string? Group)> pending)
    {
        var body = new System.Buffers.ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("events");
            foreach (var p in pending) p.Event.WriteTo(writer);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(body.WrittenMemory);
        return BatchParser.Parse(doc.RootElement);
    }

    private static async Task<(IReadOnlyList<IngestResult>? Results, IReadOnlyList<ItemError> Errors)> TryPostAsync(Ingestor ingestor,
        BatchParser.Outcome parsed, string client, IngestPhases phases, CancellationToken ct)
    {
        if (parsed.Errors.Count > 0) return (null, parsed.Errors);
        var outcome = await ingestor.AppendAsync(parsed.Events, client, ct, phases);
        return outcome.Rejection is { } r ? (null, r.Errors) : (outcome.Results, []);
    }

    private static int? Index(string field) => EventIndex().Match(field) is { Success: true } m ? int.Parse(m.Groups[1].Value) : null;

    /// <summary>The error in the feature's terms: <c>events[3].data.areaHa</c> becomes <c>data.areaHa</c>.</summary>
    private static string Reason(ItemError e)
    {
        var field = EventIndex().Replace(e.Field, "");
        return field.Length == 0 ? e.Message : $"{field.TrimStart('.')}: {e.Message}";
    }

    [GeneratedRegex(@"^events\[(\d+)\]")]
    private static partial Regex EventIndex();
}
