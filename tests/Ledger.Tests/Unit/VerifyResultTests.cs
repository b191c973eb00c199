using Ledger.Chain;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>What verify's summary says rests on telling a broken chain from differing derived tables.</summary>
public sealed class VerifyResultTests
{
    private static VerifyResult With(params VerifyProblem[] problems) => new(problems.Length == 0, 10, problems.FirstOrDefault()?.Sequence, 1, problems);

    [Fact]
    public void only_derived_table_problems_leave_the_chain_intact()
    {
        var result = With(new VerifyProblem(9, "flow_totals: 6 rows differ", "flow_totals"));
        result.ChainIntact.ShouldBeTrue();
        result.DifferingTables.ShouldBe(["flow_totals"]);
    }

    [Fact]
    public void a_problem_of_the_chain_itself_means_the_chain_is_not_intact_whatever_else_differs()
    {
        With(new VerifyProblem(3, "link 3 does not match the event")).ChainIntact.ShouldBeFalse();
        With(new VerifyProblem(3, "link 3 does not match the event"), new VerifyProblem(9, "flows differ", "flows")).ChainIntact.ShouldBeFalse();
    }

    [Fact]
    public void no_problem_is_an_intact_chain() => With().ChainIntact.ShouldBeTrue();
}
