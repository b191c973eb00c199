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

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (null, TooLarge(http));
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 16 });
            return (doc, null);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : "";
            return (null, Problems.Of(http, 400, "The body is not valid JSON", $"invalid JSON{where}",
                [new ItemError("$", e.Message.Split(" Path:")[0].Split(" LineNumber:")[0])]));
        }
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

    /// <summary>Fields named twice make a request ambiguous: refused rather than read as the last one wins.</summary>
    public static void RefuseDuplicates(JsonElement root, List<ItemError> errors)
    {
        foreach (var name in root.EnumerateObject().GroupBy(p => p.Name).Where(g => g.Count() > 1).Select(g => g.Key))
            errors.Add(new ItemError(name, "appears more than once"));
    }

    private static IResult TooLarge(HttpContext http) =>
        Problems.Of(http, 413, "The body is too large", $"a request body may hold at most {MaxBytes / 1024 / 1024} MB");
}
