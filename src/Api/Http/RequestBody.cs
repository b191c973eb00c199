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

    private static IResult TooLarge(HttpContext http) =>
        Problems.Of(http, 413, "The body is too large", $"a request body may hold at most {MaxBytes / 1024 / 1024} MB");
}
