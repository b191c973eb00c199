using System.Diagnostics;
using System.Text.Json;
using JasperFx.Events;
using Ledger.Events;
using Ledger.Ingest;
using Marten;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Weasel.Core;

namespace Ledger.Bench;

/// <summary>
/// The floor issue 14 sets: the same events appended through Marten alone, with the ledger's
/// event settings (string stream keys, quick append, headers and user name, the unique index on
/// event ids, the client's event ids and content hash) and nothing else: no HTTP, no rules, no
/// state documents, no flows, index or chain. One session per batch, as many writers as clients.
/// </summary>
internal sealed class PlainMartenBaseline : IAsyncDisposable
{
    private readonly DocumentStore store;

    private PlainMartenBaseline(DocumentStore store) => this.store = store;

    /// <summary>Creates the baseline's own schema and appends <paramref name="warmup"/> untimed, as the API was warmed up.</summary>
    public static async Task<PlainMartenBaseline> StartAsync(string connectionString, List<IEnumerable<string>> warmup)
    {
        var store = DocumentStore.For(o =>
        {
            o.Connection(connectionString);
            o.DatabaseSchemaName = "bench_marten";
            o.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase, j => j.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb));
            o.Events.StreamIdentity = StreamIdentity.AsString;
            o.Events.AppendMode = EventAppendMode.QuickWithServerTimestamps;
            o.Events.MetadataConfig.HeadersEnabled = true;
            o.Events.MetadataConfig.UserNameEnabled = true;
            o.Events.EnableUniqueIndexOnEventId = true;
            foreach (var spec in EventCatalog.Types) o.Events.MapEventType(spec.ClrType, spec.Name);
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await AppendAsync(store, warmup.Select(bodies => bodies.Select(Parse).ToList()).ToList());
        return new PlainMartenBaseline(store);
    }

    /// <summary>Seconds to append these batches, one writer per client.</summary>
    public async Task<double> TimeAsync(List<List<string>> perClient)
    {
        // Parsed before the clock starts: the baseline is Marten's append, not our parser.
        var batches = perClient.Select(bodies => bodies.Select(Parse).ToList()).ToList();
        var clock = Stopwatch.StartNew();
        await AppendAsync(store, batches);
        return clock.Elapsed.TotalSeconds;
    }

    public ValueTask DisposeAsync() => store.DisposeAsync();

    private static Task AppendAsync(DocumentStore store, List<List<IReadOnlyList<IncomingEvent>>> batches) =>
        Task.WhenAll(batches.Select(share => Task.Run(async () =>
        {
            foreach (var batch in share)
            {
                await using var session = store.LightweightSession();
                var now = DateTimeOffset.UtcNow;
                foreach (var stream in batch.GroupBy(e => e.StreamId))
                {
                    var events = stream.Select(item =>
                    {
                        var e = session.Events.BuildEvent(item.Event);
                        e.Id = item.EventId;
                        e.Timestamp = now;
                        e.UserName = "bench-writer";
                        e.SetHeader("contentHash", item.ContentHash);
                        return (object)e;
                    }).ToArray();
                    if (stream.First().Spec.CreatesStream)
                        session.Events.StartStream(EventCatalog.RulesFor(stream.First().Spec.Domain)!.StateType, stream.Key, events);
                    else
                        session.Events.Append(stream.Key, events);
                }
                await session.SaveChangesAsync();
            }
        })));

    private static IReadOnlyList<IncomingEvent> Parse(string body)
    {
        using var doc = JsonDocument.Parse(body);
        var parsed = BatchParser.Parse(doc.RootElement);
        if (parsed.Errors.Count > 0) throw new InvalidOperationException(parsed.Errors[0].Field + ": " + parsed.Errors[0].Message);
        return parsed.Events;
    }
}
