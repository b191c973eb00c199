using System.IO.Pipelines;
using System.Text;
using Ledger.Api.Events;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>How the bulk endpoint cuts an NDJSON body into batches.</summary>
public sealed class BulkChunksTests
{
    private static async Task<List<BulkChunk>> ChunksAsync(string body, int size)
    {
        var chunks = new List<BulkChunk>();
        await foreach (var c in BulkChunks.ReadAsync(PipeReader.Create(new MemoryStream(Encoding.UTF8.GetBytes(body))), size, CancellationToken.None))
            chunks.Add(c);
        return chunks;
    }

    private static string Line(string type) => $$"""{"type":"{{type}}","n":1}""";

    [Fact]
    public async Task chunks_hold_at_most_size_events_and_successions_never_share_a_chunk_with_other_types()
    {
        var lines = new[] { "a", "b", "region.succeeded", "region.succeeded", "c", "d", "e", "f" }.Select(Line);
        var chunks = await ChunksAsync(string.Join("\n", lines), 3);
        chunks.Select(c => (c.FirstLine, c.LastLine, c.Successions)).ShouldBe([(1, 2, false), (3, 4, true), (5, 7, false), (8, 8, false)]);
        chunks.ShouldAllBe(c => c.Errors.Count == 0);
    }

    [Fact]
    public async Task reading_stops_after_the_chunk_holding_a_bad_line_and_names_the_line()
    {
        var chunks = await ChunksAsync($"{Line("a")}\n{{not json\n{Line("b")}\n{Line("c")}\n{Line("d")}\n", 3);
        chunks.Count.ShouldBe(1);
        chunks[0].Errors.Single().Field.ShouldBe("lines[2]");
        chunks[0].LastLine.ShouldBe(3);
    }

    [Fact]
    public async Task a_repeated_field_is_refused_like_in_a_batch()
    {
        var chunks = await ChunksAsync("""{"type":"a","type":"b"}""", 10);
        chunks.Single().Errors.Single().Message.ShouldContain("appears more than once");
    }

    [Fact]
    public async Task a_line_longer_than_the_limit_is_refused_without_reading_it_all_into_one_event()
    {
        var chunks = await ChunksAsync(Line("a") + "\n\"" + new string('x', BulkChunks.MaxLineBytes + 100_000) + "\"\n" + Line("b"), 10);
        chunks.Single().Errors.Single().Field.ShouldBe("lines[2]");
        chunks.Single().Lines.Count.ShouldBe(1);
    }
}
