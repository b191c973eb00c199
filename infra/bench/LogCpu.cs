using System.Diagnostics;
using System.Security.Cryptography;
using Ledger.Chain;
using Ledger.Transparency;

namespace Ledger.Bench;

/// <summary>
/// The log's own CPU per ingest batch, one thread, no database: what <see cref="LogAppender.Append"/>
/// does under the chain's lock (leaf hashes, the tiles, the entry bundles, the root, the signed
/// checkpoint), batch after batch on a growing log whose edge is carried from one batch to the next.
/// </summary>
internal static class LogCpu
{
    public static void Run(int batches, int batchSize)
    {
        using var keys = LogKeys.Generate();
        var signer = keys.SignerFor("catalogue");
        var edge = new Dictionary<int, (long N, byte[] Data)>();
        long size = 0;
        var hash = new byte[32];
        var times = new List<double>();
        for (var b = 0; b < batches + 20; b++)
        {
            var entries = new List<byte[]>(batchSize);
            for (var i = 0; i < batchSize; i++)
            {
                RandomNumberGenerator.Fill(hash);
                entries.Add(new LedgerEntry(size + i + 1, Guid.NewGuid(), Hash.FromBytes(hash)).ToBytes());
            }
            var watch = Stopwatch.StartNew();
            var head = new LogHead(size, edge.ToDictionary(e => (e.Key, e.Value.N), e => e.Value.Data));
            var (_, checkpoint, tiles) = LogAppender.Compute(head, entries, signer);
            var took = watch.Elapsed.TotalMilliseconds;
            if (b >= 20) times.Add(took);
            // As the append's SQL does: a level with a new partial tile has it as its edge, a level only filled has none.
            foreach (var level in tiles.Where(t => t.IsFull).Select(t => t.Level)) edge.Remove(level);
            foreach (var t in tiles.Where(t => !t.IsFull)) edge[t.Level] = (t.N, t.Data);
            size = checkpoint.Size;
        }
        times.Sort();
        Console.WriteLine($"LogAppender per {batchSize}-entry batch, {batches} batches after 20 warm-up, log grown to {size:N0} entries:");
        Console.WriteLine($"  p50 {times[times.Count / 2]:F3} ms, p95 {times[(int)(times.Count * 0.95)]:F3} ms, mean {times.Average():F3} ms");
    }
}
