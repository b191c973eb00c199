using Ledger.Events;
using Ledger.Regions;
using Shouldly;

namespace Ledger.Tests.Unit;

public sealed class TextRulesTests
{
    [Theory]
    [InlineData("410102", true)]
    [InlineData("000000", true)]
    [InlineData("410102\n", false)]
    [InlineData("410102\r\n", false)]
    [InlineData(" 410102", false)]
    [InlineData("４１０１０２", false)]
    [InlineData("٤١٠١٠٢", false)]
    [InlineData("4101020", false)]
    [InlineData("41010", false)]
    [InlineData("", false)]
    public void a_region_code_is_exactly_six_ascii_digits(string code, bool wellFormed) =>
        RegionCodes.IsWellFormed(code).ShouldBe(wellFormed);

    [Theory]
    [InlineData("中原区")]
    [InlineData("ZZ-1")]
    [InlineData("Zhongyuan District")]
    [InlineData("𠀀𠀁")]
    [InlineData("\uE000")] // private use: some rare characters in place names live there in older systems
    public void ordinary_names_are_taken(string name) => TextRules.IdentifierProblem(name).ShouldBeNull();

    [Theory]
    [InlineData("ZZ-1\n", "control")]
    [InlineData("ZZ-1 ", "white space")]
    [InlineData("\u3000ZZ-1", "white space")]
    [InlineData("Z\u202EZ", "format")]
    [InlineData("Z\u200BZ", "format")]
    [InlineData("Z\uFEFF", "format")]
    [InlineData("Z\u0378", "unassigned")]
    [InlineData("Z\u2028Z", "line separator")]
    [InlineData("", "empty")]
    public void look_alike_names_are_refused_with_the_reason(string name, string reason) =>
        TextRules.IdentifierProblem(name)!.ShouldContain(reason);

    [Fact]
    public void an_unpaired_surrogate_is_refused() =>
        TextRules.IdentifierProblem("Z" + (char)0xD800 + "Z")!.ShouldContain("unpaired surrogate at position 2");

    [Fact]
    public void free_text_may_have_spaces_inside_and_at_its_ends_but_nothing_invisible()
    {
        TextRules.TextProblem(" 见 附件 ").ShouldBeNull();
        TextRules.TextProblem("见\u202E附件")!.ShouldContain("U+202E at position 2");
    }

    [Theory]
    [InlineData("410102-000001\n")]
    [InlineData("４１０１０２-000001")]
    [InlineData("410102-0000١")]
    public void stream_keys_end_where_they_end_and_use_ascii_digits(string key) =>
        EventCatalog.CheckStreamKey("farmland", key, "410102").ShouldNotBeNull();

    [Fact]
    public void a_water_key_with_a_final_newline_is_refused() =>
        EventCatalog.CheckStreamKey("water", "410102-2024\n", "410102").ShouldNotBeNull();
}
