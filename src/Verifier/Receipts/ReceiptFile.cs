using System.Text;
using System.Text.Json;

namespace LedgerVerify;

/// <summary>One event of a receipt: its id, its zero-based index in the log and its entry text.</summary>
internal sealed record ReceiptEntry(string EventId, long Index, string Entry);

/// <summary>A receipt: the log's name, the checkpoint the server signed for the batch, each event's entry. <see cref="Where"/> names the file (and line).</summary>
internal sealed record Receipt(string Where, string Log, string Checkpoint, IReadOnlyList<ReceiptEntry> Entries);

/// <summary>
/// Reads what a writer kept: the <c>receipt</c> object itself, a whole <c>POST /api/v1/events</c>
/// answer holding it, or a bulk answer saved as NDJSON (each chunk line holds one; lines without a
/// <c>receipt</c> member, such as the summary, are skipped).
/// </summary>
internal static class ReceiptFile
{
    public const long MaxBytes = 256L << 20;

    public static IReadOnlyList<Receipt> Read(string path, byte[] bytes)
    {
        var name = Path.GetFileName(path);
        if (Json.TryParse(bytes, out var single) && single is not null)
            using (single)
                return [FromAnswer(single.RootElement, name, required: true)!];

        var receipts = new List<Receipt>();
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var where = $"{name} line {i + 1}";
            using var doc = Json.Parse(Encoding.UTF8.GetBytes(lines[i]), where);
            if (FromAnswer(doc.RootElement, where, required: false) is { } receipt) receipts.Add(receipt);
        }
        return receipts.Count > 0 ? receipts : throw new Invalid(name, "holds no receipt (neither a receipt object nor an answer with a 'receipt' member)");
    }

    private static Receipt? FromAnswer(JsonElement root, string where, bool required)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new Invalid(where, "is not a JSON object");
        if (root.TryGetProperty("receipt", out var receipt))
            return receipt.ValueKind == JsonValueKind.Null
                ? throw new Invalid(where, "'receipt' is null: the server was still building its log when it took these events")
                : Parse(receipt, where);
        if (root.TryGetProperty("checkpoint", out _) || required) return Parse(root, where);
        return null;
    }

    private static Receipt Parse(JsonElement r, string where)
    {
        if (r.ValueKind != JsonValueKind.Object) throw new Invalid(where, "the receipt is not a JSON object");
        var log = Json.String(r, "log", where);
        var checkpoint = Json.String(r, "checkpoint", where);
        if (!r.TryGetProperty("entries", out var list) || list.ValueKind != JsonValueKind.Array) throw new Invalid(where, "'entries' is missing or not an array");
        var entries = new List<ReceiptEntry>();
        var i = 0;
        foreach (var e in list.EnumerateArray())
        {
            var at = $"{where} entries[{i++}]";
            if (e.ValueKind != JsonValueKind.Object) throw new Invalid(at, "is not an object");
            entries.Add(new ReceiptEntry(Json.String(e, "eventId", at), Json.Integer(e, "index", at), Json.String(e, "entry", at)));
        }
        if (entries.Count == 0) throw new Invalid(where, "the receipt names no event");
        return new Receipt(where, log, checkpoint, entries);
    }
}
