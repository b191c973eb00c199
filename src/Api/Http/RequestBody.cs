using System.Text.Json;
using Ledger.Ingest;

namespace Ledger.Api.Http;

/// <summary>Reads a JSON body with a hard size limit, answering 413 and 400 problems itself.</summary>
public static class RequestBody
{
    public const int MaxBytes = 4 * 1024 * 1024;

    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxBytes) return (null, TooLarge(http));

        // Sized from Content-Length when given, so a batch's body is not copied through every doubling on the way.
        using var buffer = new MemoryStream((int)Math.Min(http.Request.ContentLength ?? 0, MaxBytes));
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (null, TooLarge(http));
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), Options);
            var (repeated, count) = RepeatedFields(doc.RootElement);
            if (repeated.Count == 0) return (doc, null);
            doc.Dispose();
            return (null, Problems.Validation(http, repeated, count));
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            return (null, Problems.Of(http, 400, "The body is not valid JSON", $"invalid JSON{where}",
                [new ItemError("$", e.Message.Split(" Path:")[0].Split(" LineNumber:")[0])]));
        }
    }

    /// <summary>The nesting limit for every JSON body (and every line of a bulk body).</summary>
    public static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    /// <summary>Every field named twice in one object of <paramref name="root"/>, and how many there are (the list stops at the cap).</summary>
    public static (List<ItemError> Errors, int Count) RepeatedFields(JsonElement root)
    {
        var repeated = new List<ItemError>();
        var count = 0;
        try
        {
            RepeatedFields(root, null, repeated, ref count);
        }
        catch (InvalidOperationException)
        {
            // A field name holding an unpaired surrogate escape cannot be decoded.
            repeated.Add(new ItemError("$", "holds an unpaired surrogate escape in a field name: not valid Unicode text"));
        }
        return (repeated, Math.Max(count, repeated.Count));
    }

    /// <summary>
    /// A small request object's string field, or an error for the field: missing (when required),
    /// not a string, or not valid Unicode (an unpaired surrogate escape cannot be decoded).
    /// </summary>
    public static string? Text(JsonElement root, string name, bool required, List<ItemError> errors)
    {
        if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) errors.Add(new ItemError(name, "is required"));
            return null;
        }
        if (v.ValueKind != JsonValueKind.String)
        {
            errors.Add(new ItemError(name, "must be a string"));
            return null;
        }
        try
        {
            return v.GetString();
        }
        catch (InvalidOperationException)
        {
            errors.Add(new ItemError(name, "must be valid Unicode text (it holds an unpaired surrogate escape)"));
            return null;
        }
    }

    /// <summary>
    /// A field named twice in one object is ambiguous (JSON parsers disagree on which copy wins):
    /// every body is refused with each repetition named, before any endpoint reads it. Costs about
    /// 0.7 ms for a 500-event batch (154 KiB), next to 0.7 ms for parsing it. Paths are written out
    /// only for a repetition: a batch of boundaries holds tens of thousands of positions.
    /// </summary>
    private static void RepeatedFields(JsonElement element, Path? at, List<ItemError> errors, ref int count)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in element.EnumerateObject())
                {
                    var path = new Path(at, p.Name, 0);
                    // Past the cap the answer lists no more, so only count them.
                    if (!names.Add(p.Name) && ++count <= Problems.MaxErrors)
                        errors.Add(new ItemError(BatchParser.Clip(path.ToString()), "appears more than once in its object"));
                    if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) RepeatedFields(p.Value, path, errors, ref count);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array) RepeatedFields(item, new Path(at, null, i), errors, ref count);
                    i++;
                }
                break;
        }
    }

    /// <summary>Where an element is (<c>events[3].data</c>), written out only when asked.</summary>
    private sealed record Path(Path? Parent, string? Name, int Index)
    {
        public override string ToString() =>
            Name is null ? $"{Parent}[{Index}]" : Parent is null ? Name : $"{Parent}.{Name}";
    }

    private static IResult TooLarge(HttpContext http) =>
        Problems.Of(http, 413, "The body is too large", $"a request body may hold at most {MaxBytes / 1024 / 1024} MB");
}
