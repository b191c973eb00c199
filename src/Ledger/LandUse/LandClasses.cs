using System.Reflection;

namespace Ledger.LandUse;

/// <summary>One class of the 三调 工作分类: a 二级类 (or 09, a 一级类 with no 二级类) and the 一级类 it is counted in.</summary>
/// <param name="Adjustable">A K-suffixed 可调整 class: land taken from farmland with its plough layer intact.</param>
/// <param name="Wetland">One of 湿地's seven classes, which keep the code of the group they come from.</param>
public sealed record LandClass(string Code, string Group, string Name, bool Adjustable, bool Wetland)
{
    public bool IsFarmland => Group == LandClasses.FarmlandGroup;
}

/// <summary>
/// The 三调 工作分类 (TD/T 1055-2019, appendix A), shipped as data (land-classes.tsv, which cites
/// its source). Every land-use event and import checks its classes here; an unknown code is refused.
/// </summary>
public static class LandClasses
{
    public const string FarmlandGroup = "01";

    private static readonly (Dictionary<string, LandClass> Classes, Dictionary<string, string> Groups) Table = Load();

    /// <summary>Every class an event may name, in the table's order.</summary>
    public static IReadOnlyCollection<LandClass> All => Table.Classes.Values;

    /// <summary>一级类 code → name, in the table's order (00 湿地 first, as the survey lists it).</summary>
    public static IReadOnlyDictionary<string, string> Groups => Table.Groups;

    public static LandClass? Find(string code) => Table.Classes.GetValueOrDefault(code);

    /// <summary>The 一级类 a class is counted in: 0303 红树林地 is 湿地 (00), not 林地.</summary>
    public static string GroupOf(string code) => Table.Classes[code].Group;

    public static string NameOf(string code) =>
        Table.Classes.TryGetValue(code, out var c) ? c.Name : Table.Groups.GetValueOrDefault(code, code);

    /// <summary>A class, or a 一级类's classes; null when the code is neither.</summary>
    public static string[]? Expand(string code) =>
        Find(code) is not null ? [code]
        : Table.Groups.ContainsKey(code) ? All.Where(c => c.Group == code).Select(c => c.Code).ToArray()
        : null;

    /// <summary>Farmland's 二级类 from a farmland parcel's <c>landType</c>.</summary>
    public static string OfFarmlandType(string landType) => landType switch
    {
        "paddy" => "0101",
        "irrigated" => "0102",
        "dry" => "0103",
        _ => throw new ArgumentOutOfRangeException(nameof(landType), landType, "not a farmland land type"),
    };

    /// <summary>A farmland 二级类 as a farmland parcel's <c>landType</c>, or null for any other class.</summary>
    public static string? FarmlandTypeOf(string code) => code switch
    {
        "0101" => "paddy",
        "0102" => "irrigated",
        "0103" => "dry",
        _ => null,
    };

    /// <summary>Why <paramref name="code"/> is not a class an event may name, or null.</summary>
    public static string? Problem(string code) =>
        Find(code) is not null ? null
        : Table.Groups.ContainsKey(code) ? $"'{code}' is a 一级类; name one of its 二级类 ({string.Join(", ", ClassesOf(code).Take(6))}…)"
        : $"'{code}' is not a class of the 三调 工作分类 (TD/T 1055-2019 appendix A), e.g. 0301 乔木林地, 0307K 可调整其他林地";

    /// <summary>
    /// Other agricultural land for 耕地进出平衡 (自然资发〔2021〕166号): 园地, 林地, 草地 (not their
    /// wetland classes), 坑塘水面 and 设施农用地, and every K class.
    /// </summary>
    public static bool IsOtherAgricultural(string code) =>
        Find(code) is { } c && (c.Adjustable || c.Group is "02" or "03" or "04" || c.Code is "1104" or "1104A" or "1202");

    public static IReadOnlyList<string> OtherAgricultural { get; } = Table.Classes.Keys.Where(IsOtherAgricultural).ToList();

    /// <summary>The out side of 耕地进出平衡 (自然资发〔2021〕166号): farmland turned into other agricultural land.</summary>
    public static bool IsInOutOut(string from, string to) => IsFarmlandClass(from) && IsOtherAgricultural(to);

    /// <summary>The in side of 耕地进出平衡: other agricultural land restored to farmland.</summary>
    public static bool IsInOutIn(string from, string to) => IsOtherAgricultural(from) && IsFarmlandClass(to);

    public static bool IsFarmlandClass(string code) => Find(code)?.IsFarmland == true;

    private static IEnumerable<string> ClassesOf(string group) => All.Where(c => c.Group == group).Select(c => c.Code);

    private static (Dictionary<string, LandClass>, Dictionary<string, string>) Load()
    {
        var classes = new Dictionary<string, LandClass>(StringComparer.Ordinal);
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Ledger.LandUse.land-classes.tsv")
            ?? throw new InvalidOperationException("land-classes.tsv is not embedded in the Ledger assembly");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var f = line.Split('\t');
            var flags = f.Length > 3 ? f[3] : "";
            // 09 特殊用地 has no 二级类: it is a group and the class parcels carry.
            if (f[0].Length == 2) groups.Add(f[0], f[2]);
            if (f[0].Length > 2 || f[0] == "09")
                classes.Add(f[0], new LandClass(f[0], f[1], f[2], flags == "adjustable", flags == "wetland"));
        }
        return (classes, groups);
    }
}
