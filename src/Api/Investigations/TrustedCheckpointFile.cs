using System.Text.Json;
using Ledger.Chain;

namespace Ledger.Api.Investigations;

/// <summary>
/// <c>LEDGER_TRUSTED_CHECKPOINT_FILE</c>: the newest checkpoint the operator keeps outside the
/// database, as exported by <c>checkpoints export</c> (the newest in the list counts) or a single
/// exported checkpoint object. When the service signs a newer checkpoint on a chain consistent with
/// the file, it moves the file forward (written whole, then renamed, never backwards), so the file
/// always attests the newest signed state even if the database is later restored from an older backup.
/// </summary>
public sealed class TrustedCheckpointFile(string? path)
{
    public string? Path => path;

    public static TrustedCheckpointFile From(IConfiguration config) =>
        new(config["LEDGER_TRUSTED_CHECKPOINT_FILE"] is { Length: > 0 } p ? p : null);

    /// <summary>The newest checkpoint in the file; null when none is configured or the file does not exist yet.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not an exported checkpoint.</exception>
    public Checkpoint? Read()
    {
        if (path is null || !File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var list = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("checkpoints", out var array)
                ? CheckpointJson.Parse(array)
                : CheckpointJson.Parse(JsonDocument.Parse($"[{root.GetRawText()}]").RootElement);
            return list.MaxBy(c => c.Position);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException
                                      or NodaTime.Text.UnparsableValueException)
        {
            throw new InvalidDataException($"{path} is not an exported checkpoint file ({e.Message})", e);
        }
    }

    /// <summary>Writes <paramref name="newer"/> when it is beyond what the file holds; false when it was not written.</summary>
    public bool MoveForward(Checkpoint newer, string publicKeyPem)
    {
        if (path is null) return false;
        if (Read() is { } held && held.Position >= newer.Position) return false;
        var json = JsonSerializer.Serialize(new { publicKey = publicKeyPem, checkpoints = new[] { CheckpointJson.Of(newer) } },
            new JsonSerializerOptions { WriteIndented = true });
        var temp = path + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, path, overwrite: true);
        return true;
    }
}
