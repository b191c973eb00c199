using System.IO.Compression;

namespace LedgerVerify;

/// <summary>
/// The files of a <c>ledger-evidence/v1</c> zip, read defensively: only the names of the layout
/// (so no path can point outside it), each once, each within its size cap, all within 1 GiB
/// uncompressed. Sizes are counted while inflating, never taken from the zip's headers.
/// </summary>
internal sealed class Bundle
{
    public const long MaxTotalBytes = 1L << 30;
    public const int MaxFiles = 2_000_004;

    public required byte[] Manifest { get; init; }
    public required byte[] Report { get; init; }
    public required byte[] Checkpoint { get; init; }
    public required byte[] Policy { get; init; }

    /// <summary>events/{eventId}.txt by event id.</summary>
    public required IReadOnlyDictionary<string, byte[]> Events { get; init; }

    /// <summary>proofs/{eventId}.tlog-proof by event id.</summary>
    public required IReadOnlyDictionary<string, byte[]> Proofs { get; init; }

    public static Bundle Read(string path)
    {
        var where = Path.GetFileName(path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new Invalid(where, $"not a readable zip: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageError($"cannot read {path}: {e.Message}");
        }
        using (zip)
        {
            if (zip.Entries.Count > MaxFiles) throw new Invalid(where, $"holds {zip.Entries.Count} files, more than {MaxFiles}");
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var events = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var proofs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName;
                var cap = CapFor(name, where);
                if (!files.TryAdd(name, [])) throw new Invalid($"{where}: {name}", "appears twice in the zip");
                var bytes = ReadCapped(entry, cap, MaxTotalBytes - total, where);
                total += bytes.Length;
                files[name] = bytes;
                if (name.StartsWith("events/", StringComparison.Ordinal)) events[name["events/".Length..^".txt".Length]] = bytes;
                if (name.StartsWith("proofs/", StringComparison.Ordinal)) proofs[name["proofs/".Length..^".tlog-proof".Length]] = bytes;
            }
            foreach (var required in new[] { "manifest.json", "report.json", "checkpoint", "policy" })
                if (!files.ContainsKey(required)) throw new Invalid(where, $"{required} is missing");
            return new Bundle
            {
                Manifest = files["manifest.json"], Report = files["report.json"], Checkpoint = files["checkpoint"], Policy = files["policy"],
                Events = events, Proofs = proofs,
            };
        }
    }

    /// <summary>The size cap of a name of the layout; any other name is refused, traversal first.</summary>
    private static long CapFor(string name, string where)
    {
        if (name.Length == 0 || name.Contains('\\') || name.StartsWith('/') || name.Contains(':') || name.Split('/').Any(p => p is ".." or ".") || name.Any(char.IsControl))
            throw new Invalid($"{where}: {Printable(name)}", "an unsafe file name (absolute, a drive, '..', '.', a backslash or a control character)");
        switch (name)
        {
            case "manifest.json": return 256L << 20;
            case "report.json": return 256L << 20;
            case "checkpoint" or "policy": return SignedNote.MaxBytes;
        }
        if (name.StartsWith("events/", StringComparison.Ordinal) && name.EndsWith(".txt", StringComparison.Ordinal) && EventIds.IsCanonical(name[7..^4])) return 16L << 20;
        if (name.StartsWith("proofs/", StringComparison.Ordinal) && name.EndsWith(".tlog-proof", StringComparison.Ordinal) && EventIds.IsCanonical(name[7..^11])) return SignedNote.MaxBytes + 8192;
        throw new Invalid($"{where}: {Printable(name)}", "not a file of the ledger-evidence/v1 layout (manifest.json, report.json, checkpoint, policy, events/{eventId}.txt, proofs/{eventId}.tlog-proof)");
    }

    private static byte[] ReadCapped(ZipArchiveEntry entry, long cap, long budget, string where)
    {
        var limit = Math.Min(cap, budget);
        if (entry.Length > limit) throw new Invalid($"{where}: {entry.FullName}", TooLarge(cap, budget));
        using var input = entry.Open();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > limit) throw new Invalid($"{where}: {entry.FullName}", TooLarge(cap, budget));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new Invalid($"{where}: {entry.FullName}", $"cannot be inflated: {e.Message}");
        }
        return buffer.ToArray();
    }

    private static string TooLarge(long cap, long budget) => budget < cap
        ? $"the zip inflates to more than {MaxTotalBytes} bytes in all"
        : $"inflates to more than {cap} bytes, the cap for this file";

    private static string Printable(string name) => new(name.Select(c => char.IsControl(c) ? '?' : c).Take(120).ToArray());
}
