using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using JasperFx.Events;
using Ledger.Farmland;
using Ledger.Ingest;
using Ledger.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Ingest;

/// <summary>
/// The ingest writes Marten's event, stream and document rows itself (decision 36). These rows
/// must be the ones Marten's own append and session write, or Marten would misread them after
/// an upgrade: the same events go in through both paths and the rows are compared column by column.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class MartenRowsTests(LedgerApp app) : IAsyncLifetime
{
    private const string Ours = "410102-000001";
    private const string Marten = "410102-000002";

    public async Task InitializeAsync() => await app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_ingest_writes_the_rows_martens_own_append_writes_and_marten_reads_them_back()
    {
        var writer = await app.KeyAsync("writer", "410000");
        var posted = new[]
        {
            Parcel(Ours),
            Occupied(Ours).With("source", new JsonObject { ["documentRef"] = "豫政土〔2024〕12号", ["note"] = "批后核查" }),
        };
        (await app.PostEventsAsync(writer, [.. RegionTree(), .. posted])).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Marten's own path: the same typed events, through a session's quick append, into a control stream.
        var store = app.Services.GetRequiredService<IDocumentStore>();
        var ours = await RowsAsync($"farmland:{Ours}");
        var control = Parse(posted.Select(e => e.DeepClone().AsObject().With("stream", Marten).With("eventId", Guid.NewGuid().ToString())));
        await using (var session = store.LightweightSession())
        {
            var events = control.Select(item =>
            {
                var e = session.Events.BuildEvent(item.Event);
                e.Id = item.EventId;
                e.Timestamp = DateTimeOffset.UtcNow;
                e.UserName = ours[0].UserName;
                e.SetHeader("contentHash", item.ContentHash);
                if (item.DocumentRef is not null) e.SetHeader("documentRef", item.DocumentRef);
                if (item.Note is not null) e.SetHeader("note", item.Note);
                return (object)e;
            }).ToArray();
            session.Events.StartStream(typeof(ParcelState), $"farmland:{Marten}", events);
            var state = await session.LoadAsync<ParcelState>($"farmland:{Ours}");
            session.Store(state! with { Id = $"farmland:{Marten}" });
            await session.SaveChangesAsync();
        }
        var theirs = await RowsAsync($"farmland:{Marten}");

        ours.Count.ShouldBe(2);
        for (var i = 0; i < ours.Count; i++)
            (ours[i] with { Seq = 0, Hash = "" }).ShouldBe(theirs[i] with { Seq = 0, Hash = "" }, $"event version {i + 1}");
        ours.Select(r => r.Hash).ShouldBe(Parse(posted).Select(e => e.ContentHash), "the content hash of what was posted");
        (await StreamRowAsync($"farmland:{Ours}")).ShouldBe(await StreamRowAsync($"farmland:{Marten}"));
        (await DocumentRowAsync($"farmland:{Ours}")).ShouldBe(await DocumentRowAsync($"farmland:{Marten}"));

        // And Marten reads ours back as its own.
        await using var query = store.QuerySession();
        var fetched = await query.Events.FetchStreamAsync($"farmland:{Ours}");
        fetched.Select(e => (e.Version, e.Sequence, e.Data.GetType())).ShouldBe(
            ours.Select(r => (r.Version, r.Seq, r.Version == 1 ? typeof(ParcelRegistered) : typeof(FarmlandOccupied))));
        fetched[1].Headers!["note"].ToString().ShouldBe("批后核查");
        ((FarmlandOccupied)fetched[1].Data).AreaHa.ShouldBe(2.5m);
        (await query.LoadAsync<ParcelState>($"farmland:{Ours}"))!.Version.ShouldBe(2);
    }

    private sealed record EventRow(long Seq, long Version, string Type, string DotNetType, string Data, string Headers, string Hash,
        string UserName, string Tenant, bool Archived, bool NoBinary);

    private async Task<List<EventRow>> RowsAsync(string stream)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select seq_id, version, type, mt_dotnet_type, data::text, (headers - 'contentHash')::text, headers->>'contentHash',
                   user_name, tenant_id, is_archived, bdata is null
            from ledger.mt_events where stream_id = @s order by version
            """, conn);
        cmd.Parameters.AddWithValue("s", stream);
        var rows = new List<EventRow>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            rows.Add(new EventRow(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetString(6),
                r.GetString(7), r.GetString(8), r.GetBoolean(9), r.GetBoolean(10)));
        return rows;
    }

    private Task<string> StreamRowAsync(string stream) =>
        ScalarAsync("select concat_ws('|', type, version, tenant_id, is_archived, compacted_version) from ledger.mt_streams where id = @s", stream);

    /// <summary>The document row, its id taken out of the data so two streams' states compare.</summary>
    private Task<string> DocumentRowAsync(string stream) =>
        ScalarAsync("select concat_ws('|', (data - 'id')::text, mt_dotnet_type, mt_version is not null, mt_last_modified is not null) " +
                    "from ledger.mt_doc_parcelstate where id = @s", stream);

    private async Task<string> ScalarAsync(string sql, string stream)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("s", stream);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static IReadOnlyList<IncomingEvent> Parse(IEnumerable<JsonObject> events)
    {
        using var doc = JsonDocument.Parse(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }.ToJsonString());
        var parsed = BatchParser.Parse(doc.RootElement);
        parsed.Errors.ShouldBeEmpty();
        return parsed.Events;
    }
}
