using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ledger.Storage;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Ledger.Chain;

/// <summary>One database's chain head as a national checkpoint attests it.</summary>
public sealed record ShardHead(string Shard, long Position, byte[] Hash);

/// <summary>
/// A signature over every database's chain head at once (issue 12): the heads are the leaves of
/// a Merkle tree (RFC 6962 hashing: leaf <c>SHA-256(0x00 ‖ "ledger-shard|v1|{name}|{position}|{hash hex}")</c>,
/// node <c>SHA-256(0x01 ‖ left ‖ right)</c>, leaves in ordinal order of the database names), and
/// <c>ledger-national|v1|{root hex}|{signedAt}</c> is signed with the checkpoint key. One signature
/// vouches for the nation; a head it names that a database's chain no longer has shows a rewrite
/// of that database even when its own checkpoints were rewritten with it.
/// </summary>
public sealed record NationalCheckpoint(IReadOnlyList<ShardHead> Heads, byte[] Root, Instant SignedAt, byte[] Signature)
{
    public string Message => MessageOf(Root, SignedAt);

    public static string MessageOf(byte[] root, Instant signedAt) =>
        $"ledger-national|v1|{Convert.ToHexStringLower(root)}|{InstantPattern.ExtendedIso.Format(signedAt)}";

    public static byte[] RootOf(IReadOnlyList<ShardHead> heads)
    {
        var leaves = heads.OrderBy(h => h.Shard, StringComparer.Ordinal)
            .Select(h => Hash(0x00, Encoding.UTF8.GetBytes($"ledger-shard|v1|{h.Shard}|{h.Position}|{Convert.ToHexStringLower(h.Hash)}")))
            .ToList();
        return leaves.Count == 0 ? SHA256.HashData([]) : Tree(leaves, 0, leaves.Count);
    }

    /// <summary>RFC 6962's tree hash: split at the largest power of two below the count.</summary>
    private static byte[] Tree(List<byte[]> leaves, int from, int count)
    {
        if (count == 1) return leaves[from];
        var k = 1;
        while (k * 2 < count) k *= 2;
        return Hash(0x01, [.. Tree(leaves, from, k), .. Tree(leaves, from + k, count - k)]);
    }

    private static byte[] Hash(byte prefix, byte[] data) => SHA256.HashData([prefix, .. data]);
}

/// <summary>The national checkpoints, kept in the catalogue (insert-only for the runtime role).</summary>
public static class NationalCheckpoints
{
    public const string Table = "national_checkpoints";

    public static Table Definition(string schema)
    {
        var t = new Table($"{schema}.{Table}");
        t.AddColumn("signed_at", "timestamp with time zone").AsPrimaryKey();
        t.AddColumn("root", "bytea").NotNull();
        t.AddColumn("heads", "jsonb").NotNull();
        t.AddColumn("signature", "bytea").NotNull();
        return t;
    }

    /// <summary>A database's newest signed checkpoint as a head, or null before its first.</summary>
    public static async Task<ShardHead?> HeadOfAsync(string shard, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select position, hash from {LedgerStore.Schema}.{ChainTables.Checkpoints} order by position desc limit 1");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new ShardHead(shard, r.GetInt64(0), r.GetFieldValue<byte[]>(1)) : null;
    }

    /// <summary>Signs the heads when they differ from the newest national checkpoint's; null when nothing moved.</summary>
    public static async Task<NationalCheckpoint?> WriteAsync(NpgsqlDataSource catalogue, CheckpointSigner signer, IReadOnlyList<ShardHead> heads,
        Instant now, CancellationToken ct)
    {
        var root = NationalCheckpoint.RootOf(heads);
        var all = await AllAsync(catalogue, ct);
        if (all.Count > 0 && all[^1].Root.AsSpan().SequenceEqual(root)) return null;
        var signedAt = StoredInstant.Truncate(now);
        var national = new NationalCheckpoint(heads, root, signedAt, signer.SignText(NationalCheckpoint.MessageOf(root, signedAt)));
        await using var cmd = catalogue.CreateCommand(
            $"insert into {LedgerStore.Schema}.{Table} (signed_at, root, heads, signature) values ($1, $2, $3::jsonb, $4) on conflict do nothing");
        cmd.Parameters.Add(new NpgsqlParameter { Value = signedAt.ToDateTimeOffset() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = root });
        cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(heads.Select(h => new { shard = h.Shard, position = h.Position, hash = Convert.ToHexStringLower(h.Hash) })) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = national.Signature });
        await cmd.ExecuteNonQueryAsync(ct);
        return national;
    }

    public static async Task<IReadOnlyList<NationalCheckpoint>> AllAsync(NpgsqlDataSource catalogue, CancellationToken ct)
    {
        await using var cmd = catalogue.CreateCommand($"select signed_at, root, heads::text, signature from {LedgerStore.Schema}.{Table} order by signed_at");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var list = new List<NationalCheckpoint>();
        while (await r.ReadAsync(ct))
        {
            var heads = JsonDocument.Parse(r.GetString(2)).RootElement.EnumerateArray()
                .Select(h => new ShardHead(h.GetProperty("shard").GetString()!, h.GetProperty("position").GetInt64(), Convert.FromHexString(h.GetProperty("hash").GetString()!)))
                .ToList();
            list.Add(new NationalCheckpoint(heads, r.GetFieldValue<byte[]>(1), Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(0)), r.GetFieldValue<byte[]>(3)));
        }
        return list;
    }

    /// <summary>
    /// Every national checkpoint against the databases as they are now: its signature, its root
    /// from its heads, and each head against that database's chain (the link at the position
    /// must carry the hash). Problems name the database.
    /// </summary>
    public static async Task<IReadOnlyList<(string Shard, string What)>> CheckAsync(NpgsqlDataSource catalogue, CheckpointSigner signer,
        IReadOnlyDictionary<string, NpgsqlDataSource> databases, CancellationToken ct)
    {
        var problems = new List<(string, string)>();
        foreach (var n in await AllAsync(catalogue, ct))
        {
            var when = InstantPattern.ExtendedIso.Format(n.SignedAt);
            if (!n.Root.AsSpan().SequenceEqual(NationalCheckpoint.RootOf(n.Heads)) || !signer.VerifiesText(n.Message, n.Signature))
            {
                problems.Add((ShardsFileCatalogue, $"the national checkpoint signed {when} does not verify (its root or its signature)"));
                continue;
            }
            foreach (var h in n.Heads)
            {
                if (!databases.TryGetValue(h.Shard, out var db))
                {
                    problems.Add((h.Shard, $"the national checkpoint signed {when} names database {h.Shard}, which is not in the topology"));
                    continue;
                }
                await using var cmd = db.CreateCommand($"select hash from {LedgerStore.Schema}.{ChainTables.Links} where position = $1");
                cmd.Parameters.Add(new NpgsqlParameter { Value = h.Position });
                var hash = await cmd.ExecuteScalarAsync(ct) as byte[];
                if (hash is null || !hash.AsSpan().SequenceEqual(h.Hash))
                    problems.Add((h.Shard, $"the national checkpoint signed {when} attests chain position {h.Position} with hash {Convert.ToHexStringLower(h.Hash)[..16]}…, " +
                                           $"which this database's chain {(hash is null ? "no longer has" : "now holds with another hash")}"));
            }
        }
        return problems;
    }

    private const string ShardsFileCatalogue = ShardsFile.Catalogue;
}
