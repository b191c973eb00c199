using Ledger.Storage;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>LEDGER_SHARDS_FILE: a wrong file refuses the start and says every problem in it.</summary>
public sealed class ShardsFileTests
{
    private const string Catalogue = "Host=/tmp/a;Port=5432;Database=ledger;Username=ledger";

    [Fact]
    public void a_good_file_gives_each_shard_its_provinces()
    {
        var shards = ShardsFile.Parse("""
            {"shards":[{"name":"north","connection":"Host=/tmp/b;Database=ledger","provinces":["11","13"]},
                       {"name":"east","connection":"Host=/tmp/a;Database=shard_east","provinces":["41"]}]}
            """, Catalogue);
        shards.Select(s => (s.Name, string.Join(",", s.Provinces))).ShouldBe([("north", "11,13"), ("east", "41")]);
    }

    [Fact]
    public void every_problem_is_named_at_once()
    {
        var refused = Should.Throw<StartupRefusedException>(() => ShardsFile.Parse("""
            {"shards":[{"name":"North","connection":"Host=/tmp/b;Database=one","provinces":["11"]},
                       {"name":"west","connection":"Host=/tmp/b;Database=one","provinces":["11","99", "4"]},
                       {"name":"same","connection":"Host=/tmp/a;Port=5432;Database=ledger","provinces":["42"]},
                       {"name":"empty","connection":"Host=/tmp/c;Database=x","provinces":[]}]}
            """, Catalogue));
        refused.Message.ShouldContain("shards[0].name must be 1–40 of a–z");
        refused.Message.ShouldContain("shards[1].connection is the same database as North");
        refused.Message.ShouldContain("shards[1].provinces: 11 is already in shard");
        refused.Message.ShouldContain("'99' is not a province code");
        refused.Message.ShouldContain("'4' is not a province code");
        refused.Message.ShouldContain("shards[2].connection is the same database as catalogue");
        refused.Message.ShouldContain("shards[3].provinces must list at least one province");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"shards":[]}""")]
    [InlineData("""{"shard":[{"name":"a"}]}""")]
    public void a_file_that_is_not_a_list_of_shards_is_refused(string json) =>
        Should.Throw<StartupRefusedException>(() => ShardsFile.Parse(json, Catalogue));
}
