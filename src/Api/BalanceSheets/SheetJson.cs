using Ledger.Audit.BalanceSheets;

namespace Ledger.Api.BalanceSheets;

/// <summary>The contract's JSON shape: one entry per account, water with per-year quota, use and overuse.</summary>
public static class SheetJson
{
    public static object Of(BalanceSheet s, int landUseLevel = 1) => new
    {
        region = s.Region,
        from = s.From,
        to = s.To,
        knownAt = s.KnownAt,
        accounts = s.Stocks.Select(a => Stock(s, a)).Append(new
        {
            account = s.Water.Account,
            unit = s.Water.Unit,
            years = s.Water.Years.Select(y => new
            {
                year = y.Year, quota = y.Quota, use = y.Use, overuse = y.Overuse,
                quotaProvenance = Link(s, Ledger.Flows.Accounts.WaterQuota, "closing", null) + $"&year={y.Year}",
                useProvenance = Link(s, Ledger.Flows.Accounts.WaterUse, "closing", null) + $"&year={y.Year}",
            }),
            liabilities = s.Water.Liabilities.Select(Liability),
        }).Append(LandQuota(s)).Append(LandUse(s, landUseLevel)),
    };

    /// <summary>A stock account; farmland's also carries its in-out balance (contract 1.8).</summary>
    private static object Stock(BalanceSheet s, StockAccount a)
    {
        var json = new Dictionary<string, object?>
        {
            ["account"] = a.Account,
            ["unit"] = a.Unit,
            ["opening"] = a.Opening,
            ["additions"] = a.Additions.Select(c => Cause(s, a, c, "additions")),
            ["reductions"] = a.Reductions.Select(c => Cause(s, a, c, "reductions")),
            ["closing"] = a.Closing,
            ["liabilities"] = a.Liabilities.Select(Liability),
            ["provenance"] = Link(s, a.Account, "closing", null),
        };
        if (a.Account == Ledger.Flows.Accounts.Farmland) json["inOutBalance"] = InOut(s.InOutBalance);
        return json;
    }

    /// <summary>Contract 1.8: per class (level 1: 一级类, 2: 二级类) with additions by source and reductions by destination class.</summary>
    private static object LandUse(BalanceSheet s, int level)
    {
        var total = LandUseLines.Total(s.LandUse.Lines);
        return new
        {
            account = LandUseLines.Account,
            unit = SheetBuilder.AreaUnit,
            level,
            classes = LandUseLines.Classes(s.LandUse.Lines, level).Select(c => new
            {
                @class = c.Class, name = c.Name, opening = c.Opening,
                additions = c.Additions.Select(a => new { fromClass = a.Class == "" ? null : a.Class, cause = a.Cause, amount = a.Amount }),
                reductions = c.Reductions.Select(r => new { toClass = r.Class == "" ? null : r.Class, cause = r.Cause, amount = r.Amount }),
                closing = c.Closing,
            }),
            total = new
            {
                opening = total.Opening, registered = total.Registered, transferredIn = total.TransferredIn,
                transferredOut = total.TransferredOut, closing = total.Closing,
            },
        };
    }

    /// <summary>耕地进出平衡 under the farmland account: per county-year, the deficit summed, never netted.</summary>
    private static object InOut(InOutBalance b) => new
    {
        @out = b.Out, @in = b.In, deficit = b.Deficit,
        years = b.Years.Select(y => new { region = y.RegionCode, year = y.Year, @out = y.Out, @in = y.In, deficit = y.Deficit }),
    };

    /// <summary>Contract 1.3: per year quota, used, illegal, overuse; withoutQuota and newConstructionQuota extend it.</summary>
    private static object LandQuota(BalanceSheet s) => new
    {
        account = s.LandQuota.Account,
        unit = s.LandQuota.Unit,
        years = s.LandQuota.Years.Select(y => new
        {
            year = y.Year, quota = y.Quota, used = y.Used, illegal = y.Illegal, overuse = y.Overuse, withoutQuota = y.WithoutQuota,
            newConstructionQuota = y.NewConstructionQuota,
            quotaProvenance = Link(s, Ledger.Flows.Accounts.LandQuota, "closing", null) + $"&year={y.Year}",
            usedProvenance = Link(s, Ledger.Investigations.LandQuotaProvenance.Used, "closing", null) + $"&year={y.Year}",
            illegalProvenance = Link(s, Ledger.Investigations.LandQuotaProvenance.Illegal, "closing", null) + $"&year={y.Year}",
            newConstructionQuotaProvenance = Link(s, Ledger.Flows.Accounts.LandQuotaNewConstruction, "closing", null) + $"&year={y.Year}",
        }),
        liabilities = s.LandQuota.Liabilities.Select(Liability),
    };

    private static object Cause(BalanceSheet s, StockAccount a, CauseAmount c, string part) =>
        new { cause = c.Cause, nature = c.Nature, amount = c.Amount, provenance = Link(s, a.Account, part, c.Cause) };

    /// <summary>Where the flows and events behind a figure are listed.</summary>
    private static string Link(BalanceSheet s, string account, string part, string? cause) =>
        $"/api/v1/regions/{s.Region}/balance-sheet/provenance?account={account}&part={part}" +
        (cause is null ? "" : $"&cause={Uri.EscapeDataString(cause)}") +
        $"&from={s.From:yyyy-MM-dd}&to={s.To:yyyy-MM-dd}&knownAt={Uri.EscapeDataString(NodaTime.Text.InstantPattern.ExtendedIso.Format(s.KnownAt))}";

    private static object Liability(Liability l) => new { kind = l.Kind, amount = l.Amount, detail = l.Detail };
}
