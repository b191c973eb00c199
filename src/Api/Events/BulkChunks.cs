using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Ledger.Api.Http;
using Ledger.Ingest;

namespace Ledger.Api.Events;

/// <summary>
/// Consecutive lines of an NDJSON body, parsed, appended as one batch. Lines are numbered from 1
/// as in the body (blank lines count but hold nothing); <see cref="Errors"/> are the lines that
/// are not JSON, repeat a field or are too long, named <c>lines[N]</c>.
/// </summary>
public sealed class BulkChunk : IDisposable
{
    public List<(int Line, JsonDocument Document)> Lines { get; } = [];
    public List<ItemError> Errors { get; } = [];
    /// <summary>Whether the chunk's events are <c>region.succeeded</c> (set by its first event).</summary>
    public bool Successions { get; set; }
    public int FirstLine => Lines.Count > 0 ? Lines[0].Line : 0;
    public int LastLine { get; set; }

    /// <summary><c>events[3].data.areaHa</c> (the chunk's fourth event) as <c>lines[1203].data.areaHa</c>.</summary>
    public ItemError ByLine(ItemError e)
    {
        if (!e.Field.StartsWith("events[", StringComparison.Ordinal)) return e;
        var close = e.Field.IndexOf(']');
        return int.TryParse(e.Field.AsSpan(7, close - 7), out var i) && i < Lines.Count
            ? e with { Field = $"lines[{Lines[i].Line}]{e.Field[(close + 1)..]}" }
            : e;
    }

    public void Dispose()
    {
        foreach (var (_, d) in Lines) d.Dispose();
    }
}

/// <summary>
/// Splits an NDJSON body into chunks of at most <c>size</c> events, reading it as it arrives. A
/// <c>region.succeeded</c> never shares a chunk with other types (a batch may not mix them), so
/// successions end the chunk before them and start one of their own.
/// </summary>
public static class BulkChunks
{
    /// <summary>The longest line: the same limit as a whole <c>POST /events</c> body.</summary>
    public const int MaxLineBytes = RequestBody.MaxBytes;

    public static async IAsyncEnumerable<BulkChunk> ReadAsync(PipeReader body, int size, [EnumeratorCancellation] CancellationToken ct)
    {
        var chunk = new BulkChunk();
        var line = 0;
        while (true)
        {
            var read = await body.ReadAsync(ct);
            var buffer = read.Buffer;
            while (NextLine(ref buffer, read.IsCompleted) is { } bytes)
            {
                line++;
                var next = Parse(bytes, line, out var error);
                if (error is null && next is null) continue; // a blank line
                var succession = next is not null && BatchParser.IsSuccession(next.RootElement);
                var full = chunk.Lines.Count + chunk.Errors.Count >= size || (chunk.Lines.Count > 0 && next is not null && succession != chunk.Successions);
                if (full)
                {
                    yield return chunk;
                    // A chunk with an error is where the append stops: nothing after it is read.
                    if (chunk.Errors.Count > 0) yield break;
                    chunk = new BulkChunk();
                }
                if (chunk.Lines.Count == 0) chunk.Successions = succession;
                if (error is not null) chunk.Errors.Add(error);
                else chunk.Lines.Add((line, next!)); // the chunk disposes it
                chunk.LastLine = line;
            }
            if (buffer.Length > MaxLineBytes)
            {
                chunk.Errors.Add(new ItemError($"lines[{line + 1}]", $"is longer than {MaxLineBytes / 1024 / 1024} MB (one event per line)"));
                yield return chunk;
                yield break;
            }
            body.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted) break;
        }
        if (chunk.Lines.Count > 0 || chunk.Errors.Count > 0) yield return chunk;
    }

    /// <summary>The next line without its end (LF or CRLF); at the end of the body, what is left.</summary>
    private static byte[]? NextLine(ref ReadOnlySequence<byte> buffer, bool completed)
    {
        ReadOnlySequence<byte> line;
        if (buffer.PositionOf((byte)'\n') is { } end)
        {
            line = buffer.Slice(0, end);
            buffer = buffer.Slice(buffer.GetPosition(1, end));
        }
        else if (completed && buffer.Length > 0)
        {
            line = buffer;
            buffer = buffer.Slice(buffer.End);
        }
        else return null;
        if (line.Length > MaxLineBytes) return new byte[MaxLineBytes + 1]; // reported as too long by Parse
        var bytes = line.ToArray();
        return bytes.Length > 0 && bytes[^1] == '\r' ? bytes[..^1] : bytes;
    }

    /// <summary>The line's document; null for a blank line or a line with an error.</summary>
    private static JsonDocument? Parse(byte[] bytes, int line, out ItemError? error)
    {
        error = null;
        if (bytes.Length > MaxLineBytes)
        {
            error = new ItemError($"lines[{line}]", $"is longer than {MaxLineBytes / 1024 / 1024} MB (one event per line)");
            return null;
        }
        if (bytes.AsSpan().Trim(" \t"u8).IsEmpty) return null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, RequestBody.Options);
        }
        catch (JsonException e)
        {
            error = new ItemError($"lines[{line}]", $"is not valid JSON (byte {e.BytePositionInLine + 1}): {e.Message.Split(" Path:")[0].Split(" LineNumber:")[0]}");
            return null;
        }
        var (repeated, _) = RequestBody.RepeatedFields(doc.RootElement);
        if (repeated.Count == 0) return doc;
        doc.Dispose();
        error = new ItemError($"lines[{line}]", $"{repeated[0].Field}: {repeated[0].Message}");
        return null;
    }
}
