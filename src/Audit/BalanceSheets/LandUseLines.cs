using Ledger.Flows;
using Ledger.LandUse;
using Ledger.Regions;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// One region's land of one class under one cause, and the class on the other side (where the
/// land went or came from; null for registrations, corrections, disasters and region transfers).
/// </summary>
public sealed record LandUseLine(string RegionCode, string Class, string? Other, string Cause, string Nature, decimal Before, decimal Added,
    decimal Reduced);

public sealed record ClassChange(string Class, string Cause, decimal Amount);

/// <summary>One cell of the transition matrix: land of <paramref name="From"/> that became <paramref name="To"/>.</summary>
public sealed record Transition(string From, string To, decimal AreaHa);

public sealed record LandUseClass(string Class, string Name, decimal Opening, IReadOnlyList<ClassChange> Additions,
    IReadOnlyList<ClassChange> Reductions, decimal Closing);

/// <summary>The whole land's movement: only registrations (and corrections, disasters) and region transfers change it.</summary>
public sealed record LandUseTotal(decimal Opening, decimal Registered, decimal TransferredIn, decimal TransferredOut, decimal Closing);

/// <summary>The lines as read; the sheet's level-1 and level-2 tables are built from them on demand.</summary>
public sealed record LandUseAccount(IReadOnlyList<LandUseLine> Lines)
{
    public static readonly LandUseAccount Empty = new([]);
}

/// <summary>Builds the landUse account (contract 1.8) from the lines. Pure and exact, like <see cref="SheetBuilder"/>.</summary>
public static class LandUseLines
{
    public const string Account = "landUse";
    public const string Separator = "|";

    /// <summary>The stock rows' land-use lines: class rows read through <see cref="StockSource.LandUse"/>, and the transfers of <c>landUse:…</c>.</summary>
    public static List<LandUseLine> Of(IEnumerable<StockRow> classRows, IEnumerable<StockRow> transfers) =>
    [
        .. classRows.Select(r =>
        {
            var (cause, other) = Split(r.Cause);
            return new LandUseLine(r.RegionCode, r.Account, other, cause, r.Nature, r.Before, r.Added, r.Reduced);
        }),
        .. transfers.Where(r => r.Account.StartsWith(Accounts.LandUse + ":", StringComparison.Ordinal))
            .Select(r => new LandUseLine(r.RegionCode, r.Account[(Accounts.LandUse.Length + 1)..], null, r.Cause, r.Nature, r.Before, r.Added, r.Reduced)),
    ];

    /// <summary>A class row's cause as <see cref="StockSource.LandUse"/> writes it (<c>cause|other class</c>): the cause, and the other class (null when none).</summary>
    internal static (string Cause, string? Other) Split(string classRowCause)
    {
        var split = classRowCause.LastIndexOf(Separator, StringComparison.Ordinal);
        var other = classRowCause[(split + 1)..];
        return (classRowCause[..split], other == "" ? null : other);
    }

    public static string KeyOf(string landClass, int level) => level == 1 ? LandClasses.GroupOf(landClass) : landClass;

    /// <summary>
    /// Per class (level 2) or per 一级类 (level 1), in the table's order: opening, additions by the
    /// class they came from and cause, reductions by the class they went to, closing. At level 1 a
    /// change inside one group (0301 → 0307) is no change of the group and is left out, both sides.
    /// </summary>
    public static List<LandUseClass> Classes(IReadOnlyList<LandUseLine> lines, int level)
    {
        var order = (level == 1 ? LandClasses.Groups.Keys : LandClasses.All.Select(c => c.Code)).ToList();
        var kept = lines.Where(l => level == 2 || l.Other is null || KeyOf(l.Class, 1) != KeyOf(l.Other, 1)).ToList();
        return kept.GroupBy(l => KeyOf(l.Class, level))
            .OrderBy(g => order.IndexOf(g.Key))
            .Select(g =>
            {
                var opening = Quantities(g.Sum(l => l.Before));
                var additions = Changes(g.Where(l => l.Added != 0), l => l.Added, level);
                var reductions = Changes(g.Where(l => l.Reduced != 0), l => l.Reduced, level);
                var closing = Quantities(opening + additions.Sum(a => a.Amount) - reductions.Sum(r => r.Amount));
                return new LandUseClass(g.Key, LandClasses.NameOf(g.Key), opening, additions, reductions, closing);
            })
            .Where(c => c.Opening != 0 || c.Closing != 0 || c.Additions.Count > 0 || c.Reductions.Count > 0)
            .ToList();
    }

    /// <summary>Land of one class (or 一级类) that became another in the period: the transition matrix's cells, largest first.</summary>
    public static List<Transition> Transitions(IReadOnlyList<LandUseLine> lines, int level, out Dictionary<string, decimal> opening,
        out Dictionary<string, decimal> closing)
    {
        var classes = Classes(lines, level);
        opening = classes.ToDictionary(c => c.Class, c => c.Opening);
        closing = classes.ToDictionary(c => c.Class, c => c.Closing);
        return classes.SelectMany(c => c.Reductions.Where(r => r.Class != "")
                .GroupBy(r => r.Class).Select(g => new Transition(c.Class, g.Key, Quantities(g.Sum(r => r.Amount)))))
            .ToList();
    }

    public static LandUseTotal Total(IReadOnlyList<LandUseLine> lines)
    {
        var transfers = lines.Where(l => l.Cause == RegionScope.TransferCause).ToList();
        var registered = lines.Where(l => l.Other is null && l.Cause != RegionScope.TransferCause).Sum(l => l.Added - l.Reduced);
        var opening = lines.Sum(l => l.Before);
        var (transferIn, transferOut) = (transfers.Sum(l => l.Added), transfers.Sum(l => l.Reduced));
        return new LandUseTotal(Quantities(opening), Quantities(registered), Quantities(transferIn), Quantities(transferOut),
            Quantities(opening + lines.Sum(l => l.Added - l.Reduced)));
    }

    /// <summary>The other side's class, at the level asked; "" where there is none.</summary>
    private static List<ClassChange> Changes(IEnumerable<LandUseLine> lines, Func<LandUseLine, decimal> amount, int level) =>
        lines.GroupBy(l => (Other: l.Other is null ? "" : KeyOf(l.Other, level), l.Cause))
            .Select(g => new ClassChange(g.Key.Other, g.Key.Cause, Quantities(g.Sum(amount))))
            .Where(c => c.Amount != 0)
            .OrderBy(c => c.Class, StringComparer.Ordinal).ThenBy(c => c.Cause, StringComparer.Ordinal)
            .ToList();

    private static decimal Quantities(decimal d) => Ledger.Events.Quantities.Normalize(d);
}
