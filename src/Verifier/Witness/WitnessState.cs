using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LedgerVerify;

/// <summary>What the witness last cosigned for one log: size, root, and the whole checkpoint note (with its cosignature).</summary>
internal sealed record LogState(long Size, byte[] Root, string Checkpoint);

/// <summary>
/// The witness's state file, JSON:
/// <c>{"format":"ledger-witness-state/v1","logs":{"origin":{"size":N,"root":"base64","checkpoint":"note"}}}</c>.
/// Written whole to a temporary file, flushed to disk and renamed over the old one, and the directory
/// flushed too, so a crash leaves the new state or (before the answer was sent) the old, never half of one. Callers serialise check-and-save (tlog-witness
/// requires it: two racing submissions must not roll the log back).
/// </summary>
internal sealed class WitnessState
{
    public const string Format = "ledger-witness-state/v1";

    private readonly string _path;
    private Dictionary<string, LogState> _logs;

    private WitnessState(string path, Dictionary<string, LogState> logs)
    {
        _path = path;
        _logs = logs;
    }

    public IReadOnlyDictionary<string, LogState> Logs => _logs;

    public LogState? Latest(string origin) => _logs.GetValueOrDefault(origin);

    /// <summary>Reads the file (none yet: an empty state). A file that does not read back is refused, never overwritten.</summary>
    public static WitnessState Load(string path)
    {
        if (!File.Exists(path)) return new WitnessState(path, new Dictionary<string, LogState>(StringComparer.Ordinal));
        var logs = new Dictionary<string, LogState>(StringComparer.Ordinal);
        try
        {
            var root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject ?? throw new FormatException("not a JSON object");
            if ((string?)root["format"] != Format) throw new FormatException($"'format' is not '{Format}'");
            foreach (var (origin, node) in root["logs"] as JsonObject ?? throw new FormatException("'logs' is not an object"))
            {
                var size = (long?)node?["size"] ?? throw new FormatException($"{origin}: no size");
                var checkpoint = (string?)node?["checkpoint"] ?? throw new FormatException($"{origin}: no checkpoint");
                if (!StrictBase64.TryDecodeHash((string?)node?["root"] ?? "", out var hash)) throw new FormatException($"{origin}: the root is not a base64 hash");
                var body = Checkpoint.Parse(SignedNote.Parse(checkpoint).Text);
                if (body.Origin != origin || body.Size != size || !body.Root.AsSpan().SequenceEqual(hash)) throw new FormatException($"{origin}: size and root are not the checkpoint's");
                logs[origin] = new LogState(size, hash, checkpoint);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            throw new UsageError($"the witness state {path} cannot be read ({e.Message}); refusing to start rather than forget what was cosigned");
        }
        return new WitnessState(path, logs);
    }

    /// <summary>Persists the new state for one log, then keeps it. Throws if the file cannot be written, and then nothing changes.</summary>
    public void Save(string origin, LogState state)
    {
        var next = new Dictionary<string, LogState>(_logs, StringComparer.Ordinal) { [origin] = state };
        var logs = new JsonObject();
        foreach (var (o, s) in next.OrderBy(p => p.Key, StringComparer.Ordinal))
            logs[o] = new JsonObject { ["size"] = s.Size, ["root"] = Convert.ToBase64String(s.Root), ["checkpoint"] = s.Checkpoint };
        var json = new JsonObject { ["format"] = Format, ["logs"] = logs }.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        var temporary = _path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(System.Text.Encoding.UTF8.GetBytes(json + "\n"));
            file.Flush(flushToDisk: true);
        }
        File.Move(temporary, _path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        _logs = next;
    }
}
