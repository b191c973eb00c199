using Ledger.Api.Hosting;
using Ledger.Spatial;
using Shouldly;

namespace Ledger.Tests.Unit;

public sealed class NationalPagesTests
{
    [Fact]
    public void over_one_database_the_cursor_is_the_sequence_itself()
    {
        NationalPages.Cursor(0, 12345).ShouldBe(12345);
        NationalPages.AfterIn(12345, 0).ShouldBe(12345);
        NationalPages.DatabaseOf(12345).ShouldBe(0);
    }

    [Fact]
    public void a_cursor_skips_the_databases_before_its_own_and_starts_those_after_at_the_beginning()
    {
        var cursor = NationalPages.Cursor(2, 77);
        NationalPages.DatabaseOf(cursor).ShouldBe(2);
        NationalPages.AfterIn(cursor, 1).ShouldBe(long.MaxValue);
        NationalPages.AfterIn(cursor, 2).ShouldBe(77);
        NationalPages.AfterIn(cursor, 3).ShouldBe(0);
        NationalPages.Cursor(31, (1L << 48) - 1).ShouldBe(NationalPages.MaxCursor);
    }

    [Fact]
    public void pages_join_in_database_order_and_the_next_cursor_names_the_last_rows_database()
    {
        IReadOnlyList<IReadOnlyList<long>> pages = [[5, 9], [], [1, 2, 3]];
        var (rows, next) = NationalPages.Join(pages, 4, s => s);
        rows.ShouldBe([(0, 5L), (0, 9L), (2, 1L), (2, 2L)]);
        next.ShouldBe(NationalPages.Cursor(2, 2));
        NationalPages.Join(pages, 5, s => s).Next.ShouldBe(NationalPages.Cursor(2, 3));
        NationalPages.Join(pages, 6, s => s).Next.ShouldBeNull("a page that is not full is the last");
    }

    [Fact]
    public void feature_collections_join_every_feature_under_the_first_ones_members()
    {
        var joined = FeatureCollections.Join([
            """{"type":"FeatureCollection","region":"000000","features":[{"type":"Feature","properties":{"name":"甲"}}]}""",
            """{"type":"FeatureCollection","region":"000000","features":[]}""",
            """{"type":"FeatureCollection","region":"000000","features":[{"type":"Feature","properties":{"name":"乙"}}]}""",
        ]);
        joined.ShouldBe("""{"type":"FeatureCollection","region":"000000","features":[{"type":"Feature","properties":{"name":"甲"}},{"type":"Feature","properties":{"name":"乙"}}]}""");
    }
}
