using System.Text.RegularExpressions;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Ogc;

/// <summary>
/// The way QGIS users connect (docs/map.md, "Desktop GIS"): GDAL's OAPIF driver with the key as the
/// Basic password (USERPWD, as QGIS's Basic authentication configuration sends it) and no X-Api-Key
/// header reads every collection; a wrong key is refused with 401.
/// </summary>
public sealed partial class OgcBasicAuthTests(OgcService service) : IClassFixture<OgcService>
{
    [Fact]
    public async Task gdal_reads_every_collection_with_the_key_as_the_basic_password()
    {
        var info = await Gdal.RunAsync("ogrinfo", "-ro", "-so", "-al", $"OAPIF:{service.Root}", "-oo", $"USERPWD=ledger:{service.Auditor}");
        info.ExitCode.ShouldBe(0, info.Error);
        var counts = Counted().Matches(info.Out).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));
        counts.Keys.ShouldBe(["farmland", "permanentBasic", "redline", "mining", "footprints", "overlaps"]);
        counts["overlaps"].ShouldBe(4);
        counts["redline"].ShouldBe(2);
    }

    [Fact]
    public async Task a_wrong_basic_password_is_refused()
    {
        var info = await Gdal.RunAsync("ogrinfo", "-ro", "-so", "-al", $"OAPIF:{service.Root}", "-oo", "USERPWD=ledger:lk_not-a-key");
        info.ExitCode.ShouldNotBe(0);
        info.Error.ShouldContain("401");
    }

    [GeneratedRegex(@"Layer name: (\w+)[\s\S]*?Feature Count: (\d+)")]
    private static partial Regex Counted();
}
