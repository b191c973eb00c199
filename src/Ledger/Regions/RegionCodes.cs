using Ledger.Events;

namespace Ledger.Regions;

/// <summary>GB/T 2260 six-digit codes: <c>41</c> province, <c>4101</c> prefecture, <c>410102</c> county.</summary>
public static class RegionCodes
{
    public const string Nation = "000000";

    /// <summary>
    /// Exactly six ASCII digits. Not a regex: in .NET <c>$</c> matches before a final newline and
    /// <c>\d</c> matches every script's digits, and either let <c>"410102\n"</c> pass as a county
    /// that rolls up into its prefecture while no county sees it.
    /// </summary>
    public static bool IsWellFormed(string code) => TextRules.IsAsciiDigits(code, 6);

    public static string LevelOf(string code) =>
        code.EndsWith("0000", StringComparison.Ordinal) ? "province"
        : code.EndsWith("00", StringComparison.Ordinal) ? "prefecture"
        : "county";

    /// <summary>The code without its trailing <c>00</c> pairs: <c>410000</c> → <c>41</c>, <c>000000</c> → empty.</summary>
    public static string Prefix(string code)
    {
        var p = code;
        while (p.Length >= 2 && p.EndsWith("00", StringComparison.Ordinal)) p = p[..^2];
        return p;
    }

    /// <summary>True when <paramref name="code"/> lies inside <paramref name="scope"/> (a region or the nation).</summary>
    public static bool Contains(string scope, string code) => code.StartsWith(Prefix(scope), StringComparison.Ordinal);

    /// <summary>The codes that may be the parent of <paramref name="code"/>, nearest first.</summary>
    public static IReadOnlyList<string> PossibleParents(string code) => LevelOf(code) switch
    {
        "province" => [Nation],
        "prefecture" => [code[..2] + "0000"],
        _ => [code[..4] + "00", code[..2] + "0000"],
    };
}
