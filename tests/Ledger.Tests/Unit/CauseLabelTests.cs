using Ledger.Audit.BalanceSheets;
using Shouldly;

namespace Ledger.Tests.Unit;

public sealed class CauseLabelTests
{
    [Theory]
    [InlineData("occupation-construction-illegal", "建设占用（违法）")]
    [InlineData("occupation-water-conservancy-legal", "水利占用（依法）")]
    [InlineData("conversion-to-other-agriculture", "转为其他农用地")]
    [InlineData("supplementation-reclamation", "补充耕地（复垦）")]
    [InlineData("occupation-of-farmland", "占用（原耕地）")]
    [InlineData("damage-subsidence", "损毁（塌陷）")]
    [InlineData("reclamation-to-water", "复垦为水域")]
    [InlineData("encroachment-farming", "侵占（耕种）")]
    [InlineData("registration-baseline", "登记（基数）")]
    [InlineData("something-new", "something-new")]
    public void causes_read_in_chinese(string cause, string label) => CauseLabels.Chinese(cause).ShouldBe(label);
}
