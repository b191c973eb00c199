namespace LedgerVerify;

/// <summary>Where the log's checkpoint and tiles come from: the ledger's API (optionally mirrored to a folder as it is read) or such a folder.</summary>
internal interface ITileSource
{
    Task<byte[]> CheckpointAsync();

    /// <summary>A tile's bytes by its tlog-tiles name; a missing or unreadable tile is <see cref="Invalid"/>.</summary>
    Task<byte[]> TileAsync(string path);
}

/// <summary>A folder laid out as the log serves it: <c>checkpoint</c> and <c>tile/…</c>.</summary>
internal sealed class FolderTiles(string root) : ITileSource
{
    /// <summary>A hash tile is 8 KiB, an entry bundle of 256 ledger entries under 64 KiB.</summary>
    private const long MaxTileBytes = 256 * 65_537;

    public Task<byte[]> CheckpointAsync() => Task.FromResult(Files.Read(Path.Combine(root, "checkpoint"), "checkpoint", SignedNote.MaxBytes));

    /// <remarks>Read synchronously: tiles are small local files, and the check runs them in parallel already.</remarks>
    public Task<byte[]> TileAsync(string path)
    {
        var file = Path.Combine(root, path);
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists) throw new Invalid(path, "the tile is missing from the folder");
            if (info.Length > MaxTileBytes) throw new Invalid(path, $"larger than a tile can be ({MaxTileBytes} bytes)");
            return Task.FromResult(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Invalid(path, $"cannot read the tile: {e.Message}");
        }
    }
}

/// <summary>The ledger's log API with an API key; with <c>--mirror</c> every resource read is also written to a folder that <see cref="FolderTiles"/> reads later.</summary>
internal sealed class ServedTiles(LogClient client, string database, string? mirror) : ITileSource
{
    public async Task<byte[]> CheckpointAsync() => Keep("checkpoint", await client.ResourceAsync(database, "checkpoint"));

    public async Task<byte[]> TileAsync(string path) => Keep(path, await client.ResourceAsync(database, path));

    private byte[] Keep(string path, byte[] bytes)
    {
        if (mirror is null) return bytes;
        var file = Path.Combine(mirror, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
        return bytes;
    }
}
