using CsCheck;
using Ledger.Audit.BalanceSheets;
using Ledger.LandQuotas;
using Ledger.Regions;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.LandQuota;

/// <summary>
/// Over random quotas (held at any level) and occupations: every region's sheet agrees with the
/// units computed once for the whole province, overuse adds up level by level without netting,
/// and approved use is split exactly into use under some quota and use without any.
/// </summary>
public sealed class LandQuotaPropertyTests
{
    private static readonly string[] Codes = ["410000", "410100", "410101", "410102", "410103", "410200", "410201", "410202"];
    private static readonly string[] Prefectures = ["410100", "410200"];
    private static readonly int[] Years = [2023, 2024];

    private static readonly Gen<(QuotaFigure[] Quotas, UseFigure[] Uses)> Ledgers = Gen.Select(
        Gen.Select(Gen.Int[0, Codes.Length - 1], Gen.Int[0, 1], Gen.Int[1, 2_000_000], (c, y, q) => new QuotaFigure(Codes[c], Years[y], q / 100m, 0)).Array[0, 10],
        Gen.Select(Gen.Int[1, Codes.Length - 1], Gen.Int[0, 1], Gen.Int[0, 2_000_000], Gen.Int[0, 3], (c, y, a, i) =>
            new UseFigure(Codes[c], Years[y], a / 100m, i == 0 ? a / 1000m : 0)).Array[0, 20],
        (q, u) => (q, u));

    [Fact]
    public void overuse_adds_up_level_by_level_and_never_nets()
    {
        Ledgers.Sample(l =>
        {
            var all = LandQuotaUnits.Of(l.Quotas, l.Uses);
            foreach (var year in Years)
            {
                LandQuotaYear Sheet(string region) => LandQuotaSheet.Build(
                    new SheetRequest(region, new LocalDate(year, 1, 1), new LocalDate(year, 12, 31), Instant.MaxValue),
                    l.Quotas.Where(q => RegionCodes.Contains(region, q.RegionCode) || LandQuotaUnits.Covering(region).Contains(q.RegionCode)).ToList(),
                    l.Uses.Where(u => RegionCodes.Contains(region, u.RegionCode)).ToList()).Years.Single();
                decimal Own(string region) => all.Where(u => u.Year == year && u.RegionCode == region).Sum(u => u.Overuse);

                var units = all.Where(u => u.Year == year).ToList();
                var province = Sheet("410000");
                province.Overuse.ShouldBe(units.Sum(u => u.Overuse));
                province.Overuse.ShouldBe(Prefectures.Sum(p => Sheet(p).Overuse) + Own("410000"));
                foreach (var p in Prefectures)
                    Sheet(p).Overuse.ShouldBe(Codes.Where(c => c.StartsWith(p[..4]) && c != p).Sum(c => Sheet(c).Overuse) + Own(p));
                province.Used.ShouldBe(l.Uses.Where(u => u.Year == year).Sum(u => u.Approved));
                province.Illegal.ShouldBe(l.Uses.Where(u => u.Year == year).Sum(u => u.Illegal));
                province.WithoutQuota.ShouldBe(units.Where(u => !u.HasQuota).Sum(u => u.Used));
                (units.Where(u => u.HasQuota).Sum(u => u.Used) + province.WithoutQuota).ShouldBe(province.Used);
                // Summed, not netted: never below the overuse of the pooled quota.
                province.Overuse.ShouldBeGreaterThanOrEqualTo(Math.Max(0, units.Where(u => u.HasQuota).Sum(u => u.Used - u.Quota)));
            }
        });
    }
}
