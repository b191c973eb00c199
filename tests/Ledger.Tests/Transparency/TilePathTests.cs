using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class TilePathTests
{
    [Theory]
    [InlineData(0, 0L, 256, "tile/0/000")]
    [InlineData(0, 1L, 5, "tile/0/001.p/5")]
    [InlineData(1, 1234067L, 256, "tile/1/x001/x234/067")]
    [InlineData(2, 1234067L, 17, "tile/2/x001/x234/067.p/17")]
    [InlineData(63, 999L, 255, "tile/63/999.p/255")]
    [InlineData(5, 1000L, 1, "tile/5/x001/000.p/1")]
    [InlineData(-1, 0L, 256, "tile/entries/000")]
    [InlineData(-1, 123456789L, 112, "tile/entries/x123/x456/789.p/112")]
    [InlineData(0, long.MaxValue, 256, "tile/0/x009/x223/x372/x036/x854/x775/807")]
    public void a_tile_writes_and_reads_back_the_c2sp_path(int level, long n, int width, string path)
    {
        var tile = new Tile(level, n, width);
        tile.Path.ShouldBe(path);
        TilePath.TryParse(path, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(tile);
    }

    [Theory]
    [InlineData("tile/0/001.p/256")] // a width of 256 is the full tile, written without .p
    [InlineData("tile/0/001.p/0")]
    [InlineData("tile/0/001.p/05")]
    [InlineData("tile/0/001.p/-5")]
    [InlineData("tile/0/001.p/+5")]
    [InlineData("tile/0/001.p/")]
    [InlineData("tile/0/001.p")]
    [InlineData("tile/0/001.p/5/6")]
    [InlineData("tile/00/001")] // level with a leading zero
    [InlineData("tile/01/001")]
    [InlineData("tile/64/001")]
    [InlineData("tile/-1/001")]
    [InlineData("tile/+1/001")]
    [InlineData("tile/a/001")]
    [InlineData("tile/0/1")] // N elements are three digits
    [InlineData("tile/0/0001")]
    [InlineData("tile/0/x001")] // the last element has no x
    [InlineData("tile/0/001/234")] // the others do
    [InlineData("tile/0/x000/001")] // no zero group in front
    [InlineData("tile/0/X001/234")]
    [InlineData("tile/0/x01a/234")]
    [InlineData("tile/0/x009/x223/x372/x036/x854/x775/808")] // past a long
    [InlineData("tile/0/x999/x999/x999/x999/x999/x999/x999/999")]
    [InlineData("tile/0/")]
    [InlineData("tile/0")]
    [InlineData("tile//001")]
    [InlineData("tiles/0/001")]
    [InlineData("/tile/0/001")]
    [InlineData("tile/0/001/")]
    [InlineData("tile/entries/001.p/256")]
    [InlineData("tile/Entries/001")]
    [InlineData("tile/data/001")] // sumdb's name for entries is not C2SP's
    [InlineData("tile/8/0/001")] // sumdb writes the height; C2SP fixes it at 8
    [InlineData("tile/0/００１")] // full-width digits
    [InlineData("tile/0/001 ")]
    public void malformed_paths_are_refused(string path)
    {
        TilePath.TryParse(path, out _).ShouldBeFalse();
        Should.Throw<FormatException>(() => TilePath.Parse(path));
    }

    [Fact]
    public void tiles_that_cannot_exist_have_no_path()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new Tile(64, 0, 256).Path);
        Should.Throw<ArgumentOutOfRangeException>(() => new Tile(0, -1, 256).Path);
        Should.Throw<ArgumentOutOfRangeException>(() => new Tile(0, 0, 0).Path);
        Should.Throw<ArgumentOutOfRangeException>(() => new Tile(0, 0, 257).Path);
    }

    [Fact]
    public void random_tiles_round_trip_through_their_paths()
    {
        var random = new Random(1234067);
        for (var i = 0; i < 5000; i++)
        {
            var tile = new Tile(random.Next(-1, 64), random.NextInt64(0, i % 2 == 0 ? 2000 : long.MaxValue), random.Next(1, 257));
            TilePath.Parse(tile.Path).ShouldBe(tile);
        }
    }

    [Fact]
    public void entry_bundles_are_uint16_length_prefixed_and_refuse_what_runs_past_the_end()
    {
        byte[][] entries = [[], "a"u8.ToArray(), new byte[EntryBundle.MaxEntryLength]];
        var bundle = EntryBundle.Encode(entries);
        bundle.Length.ShouldBe(2 + 2 + 1 + 2 + 65535);
        bundle[..5].ShouldBe(new byte[] { 0, 0, 0, 1, (byte)'a' });
        bundle[5..7].ShouldBe(new byte[] { 0xff, 0xff });
        EntryBundle.Decode(bundle).Select(e => e.Length).ShouldBe([0, 1, 65535]);

        EntryBundle.TryDecode(bundle.AsSpan(0, bundle.Length - 1), out _).ShouldBeFalse();
        EntryBundle.TryDecode(new byte[] { 0 }, out _).ShouldBeFalse();
        EntryBundle.TryDecode(new byte[] { 0, 2, 1 }, out _).ShouldBeFalse();
        EntryBundle.TryDecode([], out var none).ShouldBeTrue();
        none.ShouldBeEmpty();
        EntryBundle.TryDecode(new byte[2 * 257], out _).ShouldBeFalse(); // 257 empty entries: more than a tile
        EntryBundle.TryDecode(new byte[2 * 256], out var full).ShouldBeTrue();
        full.Count.ShouldBe(256);
        Should.Throw<ArgumentException>(() => EntryBundle.Encode([new byte[65536]]));
        Should.Throw<ArgumentException>(() => EntryBundle.Encode(Enumerable.Repeat(Array.Empty<byte>(), 257).ToList()));
    }
}
