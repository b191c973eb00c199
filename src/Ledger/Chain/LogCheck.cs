using System.Security.Cryptography;
using Ledger.Storage;
using Ledger.Transparency;
using Npgsql;

namespace Ledger.Chain;

/// <summary>
/// Recomputes a database's log from its chain and events, in verify's snapshot, and compares it
/// with what is stored and served: every signed checkpoint (its log signature, and its root against
/// the recomputed tree of its size), every full level-0 hash tile and entry bundle, and the newest
/// root as the stored tiles give it. Problems are reported against the table <c>log</c>.
/// </summary>
public static class LogCheck
{
    public const string Table = "log";
    private static readonly string S = LedgerStore.Schema;

    public static async Task<List<VerifyProblem>> RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, INoteVerifier key, CancellationToken ct)
    {
        var problems = new List<VerifyProblem>();
        var checkpoints = new List<(long Size, byte[] Root, string Note)>();
        await using (var cmd = new NpgsqlCommand($"select size, root, note from {S}.{LogTables.Checkpoints} order by size", conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) checkpoints.Add((r.GetInt64(0), (byte[])r[1], r.GetString(2)));
        if (checkpoints.Count == 0) return problems;

        foreach (var c in checkpoints)
            if (!SignedNote.TryParse(c.Note, out var note, out _) || !note.Verify([key]).IsValid
                || !Transparency.Checkpoint.TryParse(note.Text, out var body) || body.Size != c.Size || body.Root != Hash.FromBytes(c.Root))
                problems.Add(Problem(c.Size, $"the log's checkpoint of size {c.Size} is not signed by the log key, or says another tree than its row"));

        // The tree of the entries the contract defines, grown one leaf at a time as a stack of full subtrees.
        var range = new List<(Hash Root, long Leaves)>();
        var blocks = new List<(byte[] Tile, byte[] Bundle)>();
        var leaves = new List<byte[]>();
        var entries = new List<byte[]>();
        var next = 0;
        long size = 0;
        await using (var cmd = LongRunning.Command($"""
            select c.position, e.id, convert_to({ChainTables.CanonicalText}, 'UTF8')
            from {S}.{ChainTables.Links} c join {S}.mt_events e on e.seq_id = c.seq order by c.position
            """, conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct) && size < checkpoints[^1].Size)
            {
                var entry = LedgerEntry.For(r.GetInt64(0), r.GetGuid(1), (byte[])r[2]).ToBytes();
                var leaf = MerkleTree.LeafHash(entry);
                leaves.Add(leaf.ToArray());
                entries.Add(entry);
                range.Add((leaf, 1));
                while (range.Count > 1 && range[^1].Leaves == range[^2].Leaves)
                {
                    range[^2] = (MerkleTree.NodeHash(range[^2].Root, range[^1].Root), range[^2].Leaves * 2);
                    range.RemoveAt(range.Count - 1);
                }
                size++;
                if (leaves.Count == Tile.FullWidth)
                {
                    blocks.Add((SHA256.HashData(leaves.SelectMany(l => l).ToArray()), SHA256.HashData(EntryBundle.Encode(entries))));
                    (leaves, entries) = ([], []);
                }
                while (next < checkpoints.Count && checkpoints[next].Size == size)
                {
                    if (Root(range) != Hash.FromBytes(checkpoints[next].Root))
                        problems.Add(Problem(size, $"the log's checkpoint of size {size} has a root the events do not give: the log or the events were changed"));
                    next++;
                }
            }
        }
        if (size < checkpoints[^1].Size)
            problems.Add(Problem(size + 1, $"the log's newest checkpoint is of size {checkpoints[^1].Size}, but the chain has only {size} events"));

        await using (var cmd = new NpgsqlCommand($"""
            select level, n, sha256(data) from {S}.{LogTables.Tiles} where level in (-1, 0) and n < @blocks order by n, level
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("blocks", (long)blocks.Count);
            var seen = 0;
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                seen++;
                var (level, n, digest) = (r.GetInt32(0), r.GetInt64(1), (byte[])r[2]);
                var expected = level == 0 ? blocks[(int)n].Tile : blocks[(int)n].Bundle;
                if (!digest.AsSpan().SequenceEqual(expected))
                    problems.Add(Problem(n * Tile.FullWidth + 1, $"the log's {new Tile(level, n, Tile.FullWidth).Path} differs from the one the events give"));
            }
            if (seen != 2 * blocks.Count) problems.Add(Problem(1, $"the log stores {seen} of the {2 * blocks.Count} full level-0 tiles and bundles its size needs"));
        }
        return problems;
    }

    /// <summary>RFC 6962's root from the full subtrees, largest first: folded from the right.</summary>
    private static Hash Root(List<(Hash Root, long Leaves)> range)
    {
        var root = range[^1].Root;
        for (var i = range.Count - 2; i >= 0; i--) root = MerkleTree.NodeHash(range[i].Root, root);
        return root;
    }

    private static VerifyProblem Problem(long sequence, string what) => new(sequence, what, Table);
}
