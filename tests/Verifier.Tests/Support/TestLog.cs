using System.Security.Cryptography;
using System.Text;

namespace LedgerVerify.Tests;

/// <summary>One event as the ledger logs it: sequence (the event's own), position in the chain, id, canonical text.</summary>
public sealed record TestEvent(long Sequence, long Position, string EventId, byte[] Text)
{
    public byte[] Entry => Encoding.ASCII.GetBytes($"ledger-event/v1\n{Position}\n{EventId}\n{Convert.ToBase64String(SHA256.HashData(Text))}\n");
}

/// <summary>
/// A small ledger log built by the test: events at positions 1..n with their canonical texts and
/// entries, an Ed25519 log key named as the origin, checkpoints, inclusion and consistency proofs.
/// </summary>
public sealed class TestLog : IDisposable
{
    public TestLog(int size, string origin = "ledger.test/shard-41", TestKey? key = null)
    {
        Origin = origin;
        Key = key ?? new TestKey(origin, 0x01);
        for (var position = 1; position <= size; position++) Append();
    }

    public string Origin { get; }

    public TestKey Key { get; }

    public List<TestEvent> Events { get; } = [];

    public TestEvent Append()
    {
        var position = Events.Count + 1;
        var sequence = position + 1000;
        var id = new Guid(MD5.HashData(Encoding.ASCII.GetBytes($"{Origin} {position}"))).ToString("D");
        var text = Encoding.UTF8.GetBytes($"{sequence}|{id}|farmland-4101{position:D4}|1|farmland.registered|{{\"area\":{position}.5,\"名称\":\"地块{position}\"}}|2026-01-0{position % 9 + 1}");
        var e = new TestEvent(sequence, position, id, text);
        Events.Add(e);
        return e;
    }

    public List<byte[]> Leaves(int size) => Events.Take(size).Select(e => NaiveMerkle.Leaf(e.Entry)).ToList();

    public byte[] Root(int size) => NaiveMerkle.Root(Leaves(size));

    public string Body(int size) => $"{Origin}\n{size}\n{Convert.ToBase64String(Root(size))}\n";

    /// <summary>The checkpoint of this size signed by the log, and cosigned by each witness given.</summary>
    public string Checkpoint(int size, params TestKey[] witnesses)
    {
        var body = Body(size);
        return body + "\n" + Key.NoteSignatureLine(body) + string.Concat(witnesses.Select(w => w.CosignatureLine(body, 1_765_000_000)));
    }

    public List<byte[]> Inclusion(int index, int size) => NaiveMerkle.Path(index, Leaves(size));

    public List<byte[]> Consistency(int from, int to) => NaiveMerkle.Proof(from, Leaves(to));

    public static string Lines(IEnumerable<byte[]> hashes) => string.Concat(hashes.Select(h => Convert.ToBase64String(h) + "\n"));

    /// <summary>A tlog-proof@v1 text for position − 1 = index, as the server serves it: extra = the entry.</summary>
    public string TlogProof(TestEvent e, int size, string checkpoint) =>
        $"c2sp.org/tlog-proof@v1\nextra {Convert.ToBase64String(e.Entry)}\nindex {e.Position - 1}\n{Lines(Inclusion((int)e.Position - 1, size))}\n{checkpoint}";

    public void Dispose() => Key.Dispose();
}
