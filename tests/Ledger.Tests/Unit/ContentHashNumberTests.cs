using System.Globalization;
using System.Text;
using CsCheck;
using Ledger.Ingest;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>The content hash's fast path for numbers must write exactly what the decimal round trip writes, or stored hashes would stop matching re-posts.</summary>
public sealed class ContentHashNumberTests
{
    [Theory]
    [InlineData("113.6", true)]
    [InlineData("34.7051234", true)]
    [InlineData("10", true)]
    [InlineData("0", true)]
    [InlineData("0.5", true)]
    [InlineData("-0.5", true)]
    [InlineData("2.50", false)]
    [InlineData("-0", false)]
    [InlineData("-0.0", false)]
    [InlineData("1e3", false)]
    [InlineData("1.", false)]
    [InlineData("123456789012345678901", false)]
    public void only_text_the_round_trip_would_not_change_takes_the_fast_path(string raw, bool canonical)
    {
        ContentHash.IsCanonical(Encoding.UTF8.GetBytes(raw)).ShouldBe(canonical);
        if (canonical) ContentHash.Canonical(decimal.Parse(raw, CultureInfo.InvariantCulture)).ShouldBe(raw);
    }

    [Fact]
    public void any_number_the_fast_path_takes_round_trips_to_itself() =>
        Gen.OneOf(Gen.Double[-200, 200].Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
                Gen.Decimal.Select(d => d.ToString(CultureInfo.InvariantCulture)),
                Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)))
            .Sample(raw =>
            {
                if (!ContentHash.IsCanonical(Encoding.UTF8.GetBytes(raw))) return;
                ContentHash.Canonical(decimal.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture)).ShouldBe(raw);
            }, iter: 20_000);
}
