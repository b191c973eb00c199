using System.Buffers.Binary;

namespace LedgerVerify.Tests;

/// <summary>
/// <c>log --policy POLICY --tiles DIR</c>: a folder of tiles written by the test straight from the
/// tlog-tiles text (naive subtree roots, its own path spelling) verifies, at sizes that leave
/// partial tiles on one, two and three levels; a changed entry, hash or root, a missing tile and an
/// unmet quorum each exit 1 naming what failed.
/// </summary>
public sealed class LogCommandTests : IDisposable
{
    private readonly TestKey _w1 = new("audit.test/w1", 0x04);
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(1)]
    [InlineData(256)]
    [InlineData(300)]
    [InlineData(65_536 + 300)]
    public void a_folder_of_tiles_recomputes_the_checkpoint(int size)
    {
        using var log = new TestLog(size);
        var tiles = WriteTiles(log, size);
        var r = Cli.Run("log", "--policy", Policy(log), "--tiles", tiles);
        r.Code.ShouldBe(0, r.ToString());
        r.Out.ShouldContain($"all {size} entries");
        r.Out.ShouldContain("audit.test/w1");
    }

    [Fact]
    public void a_changed_entry_a_changed_hash_a_missing_tile_or_another_root_is_invalid()
    {
        using var log = new TestLog(600);
        var tiles = WriteTiles(log, 600);
        var policy = Policy(log);

        var bundle = Path.Combine(tiles, "tile/entries/001");
        var original = File.ReadAllBytes(bundle);
        File.WriteAllBytes(bundle, EvidenceFixture.Flip(original, 40));
        Cli.Run("log", "--policy", policy, "--tiles", tiles).ShouldSatisfyAllConditions(
            r => r.Code.ShouldBe(1), r => r.Out.ShouldContain("tile/entries/001"));
        File.WriteAllBytes(bundle, original);

        var level1 = Path.Combine(tiles, "tile/1/000.p/2");
        File.WriteAllBytes(level1, EvidenceFixture.Flip(File.ReadAllBytes(level1), 3));
        Cli.Run("log", "--policy", policy, "--tiles", tiles).ShouldSatisfyAllConditions(
            r => r.Code.ShouldBe(1), r => r.Out.ShouldContain("tile/1/000.p/2"));

        File.Delete(level1);
        Cli.Run("log", "--policy", policy, "--tiles", tiles).ShouldSatisfyAllConditions(
            r => r.Code.ShouldBe(1), r => r.Out.ShouldContain("missing"));

        // Signed and cosigned, but over the tree of 599 entries: the tiles of 600 do not give its root.
        var other = WriteTiles(log, 600, Path.Combine(_dir.Path, "other"));
        File.WriteAllText(Path.Combine(other, "checkpoint"), log.Checkpoint(599, _w1).Replace("\n599\n", "\n600\n"));
        Cli.Run("log", "--policy", policy, "--tiles", other).Code.ShouldBe(1);
        File.WriteAllText(Path.Combine(other, "checkpoint"), CheckpointWithRoot(log, 600, log.Root(599)));
        Cli.Run("log", "--policy", policy, "--tiles", other).ShouldSatisfyAllConditions(
            r => r.Code.ShouldBe(1), r => r.Out.ShouldContain("not the checkpoint's"));
    }

    [Fact]
    public void a_checkpoint_without_the_quorum_is_invalid()
    {
        using var log = new TestLog(10);
        var tiles = WriteTiles(log, 10, cosign: false);
        var r = Cli.Run("log", "--policy", Policy(log), "--tiles", tiles);
        r.Code.ShouldBe(1, r.ToString());
        r.Out.ShouldContain("quorum");
    }

    [Fact]
    public void reading_both_a_folder_and_a_server_is_a_usage_error()
    {
        using var log = new TestLog(1);
        Cli.Run("log", "--policy", Policy(log), "--tiles", _dir.Path, "--url", "http://127.0.0.1:1").Code.ShouldBe(2);
        Cli.Run("log", "--policy", Policy(log)).Code.ShouldBe(2);
        var mirrored = Cli.Run("log", "--policy", Policy(log), "--tiles", _dir.Path, "--mirror", _dir.File("m"));
        (mirrored.Code, mirrored.Err.Contains("--mirror goes with --url")).ShouldBe((2, true));
    }

    private string Policy(TestLog log) => _dir.Write("policy", $"log {log.Key.VerifierKey}\nwitness w1 {_w1.VerifierKey}\nquorum w1\n");

    private string CheckpointWithRoot(TestLog log, int size, byte[] root)
    {
        var body = $"{log.Origin}\n{size}\n{Convert.ToBase64String(root)}\n";
        return body + "\n" + log.Key.NoteSignatureLine(body) + _w1.CosignatureLine(body, 1_765_000_000);
    }

    /// <summary>The tiles of a tree of <paramref name="size"/> as tlog-tiles lays them out, written from the spec's text alone.</summary>
    private string WriteTiles(TestLog log, int size, string? folder = null, bool cosign = true)
    {
        folder ??= Path.Combine(_dir.Path, $"tiles-{size}");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "checkpoint"), cosign ? log.Checkpoint(size, _w1) : log.Checkpoint(size));
        var leaves = log.Leaves(size);
        for (var n = 0; n * 256 < size; n++)
        {
            var part = log.Events.Skip(n * 256).Take(Math.Min(256, size - n * 256)).ToList();
            var bundle = new List<byte>();
            foreach (var e in part)
            {
                var length = new byte[2];
                BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)e.Entry.Length);
                bundle.AddRange([.. length, .. e.Entry]);
            }
            Write(folder, $"tile/entries/{Name(n)}{Partial(part.Count)}", [.. bundle]);
        }
        // Level L's slot i is the root of leaves [i·256^L, (i+1)·256^L), for every complete one.
        for (var level = 0; Math.Pow(256, level) <= size; level++)
        {
            var span = (int)Math.Pow(256, level);
            var slots = leaves.Chunk(span).Where(c => c.Length == span).Select(c => NaiveMerkle.Root(c)).ToList();
            for (var n = 0; n * 256 < slots.Count; n++)
            {
                var tile = slots.Skip(n * 256).Take(256).ToList();
                Write(folder, $"tile/{level}/{Name(n)}{Partial(tile.Count)}", [.. tile.SelectMany(h => h)]);
            }
        }
        return folder;
    }

    private static void Write(string folder, string path, byte[] bytes)
    {
        var file = Path.Combine(folder, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, bytes);
    }

    private static string Partial(int width) => width == 256 ? "" : $".p/{width}";

    /// <summary>N in three-digit groups, all but the last prefixed with x (only N &lt; 1000 is needed here).</summary>
    private static string Name(int n) => n < 1000 ? n.ToString("D3") : $"x{n / 1000:D3}/{n % 1000:D3}";

    public void Dispose()
    {
        _w1.Dispose();
        _dir.Dispose();
    }
}
