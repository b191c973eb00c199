using System.Text.Json;

namespace LedgerVerify;

/// <summary>
/// JSON read strictly: no comments, no trailing commas, no member named twice in one object (which
/// would let two readers of one file see two different values).
/// </summary>
internal static class Json
{
    private static readonly JsonDocumentOptions Strict = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 256,
    };

    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, string where)
    {
        try
        {
            return JsonDocument.Parse(utf8, Strict);
        }
        catch (JsonException e)
        {
            throw new Invalid(where, $"not valid JSON: {e.Message}");
        }
    }

    public static bool TryParse(ReadOnlyMemory<byte> utf8, out JsonDocument? document)
    {
        try
        {
            document = JsonDocument.Parse(utf8, Strict);
            return true;
        }
        catch (JsonException)
        {
            document = null;
            return false;
        }
    }

    public static string String(JsonElement obj, string member, string where) =>
        obj.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new Invalid(where, $"'{member}' is missing or not a string");

    public static long Integer(JsonElement obj, string member, string where) =>
        obj.TryGetProperty(member, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : throw new Invalid(where, $"'{member}' is missing or not an integer");
}
