using System.Text.Json;
using Npgsql;

namespace Ledger.Storage;

/// <summary>One shard of the national topology: a database holding the events of its provinces.</summary>
public sealed record ShardSpec(string Name, string Connection, IReadOnlyList<string> Provinces);

/// <summary>
/// <c>LEDGER_SHARDS_FILE</c> (contract 1.2): <c>{"shards":[{"name","connection","provinces":["11","41"]}]}</c>.
/// Every problem in the file is reported at once, and any problem refuses the start: a province
/// routed to the wrong database would split its history.
/// </summary>
public static class ShardsFile
{
    /// <summary>The catalogue's own name in answers and logs: <c>LEDGER_DB</c>, and the provinces no shard lists.</summary>
    public const string Catalogue = "catalogue";

    /// <summary>GB/T 2260 province-level codes (the first two digits of a region code).</summary>
    public static readonly IReadOnlySet<string> Provinces = new HashSet<string>(
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
    ]);

    public static IReadOnlyList<ShardSpec> Read(string path, string catalogueConnection)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StartupRefusedException($"LEDGER_SHARDS_FILE {path} cannot be read: {e.Message}");
        }
        return Parse(text, catalogueConnection, path);
    }

    public static IReadOnlyList<ShardSpec> Parse(string json, string catalogueConnection, string path = "LEDGER_SHARDS_FILE")
    {
        var errors = new List<string>();
        var shards = new List<ShardSpec>();
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException e)
        {
            throw new StartupRefusedException($"{path} is not valid JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("shards", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            throw new StartupRefusedException($"{path} must be {{\"shards\":[{{\"name\",\"connection\",\"provinces\"}}, …]}} with at least one shard");

        var owner = new Dictionary<string, string>();
        var databases = new Dictionary<string, string> { [DatabaseOf(catalogueConnection)] = Catalogue };
        var i = 0;
        foreach (var s in list.EnumerateArray())
        {
            var at = $"shards[{i++}]";
            var name = Text(s, "name");
            var connection = Text(s, "connection");
            if (name is null || name.Length > 40 || !name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-') || name == Catalogue)
                errors.Add($"{at}.name must be 1–40 of a–z, 0–9 and '-', and not '{Catalogue}'");
            else if (shards.Any(x => x.Name == name)) errors.Add($"{at}.name '{name}' is used twice");
            if (connection is null) errors.Add($"{at}.connection is required");
            else
            {
                try
                {
                    var database = DatabaseOf(connection);
                    if (databases.TryGetValue(database, out var other)) errors.Add($"{at}.connection is the same database as {other}");
                    else databases[database] = name ?? at;
                }
                catch (ArgumentException e)
                {
                    errors.Add($"{at}.connection is not a connection string: {e.Message}");
                }
            }
            var provinces = new List<string>();
            if (!s.TryGetProperty("provinces", out var ps) || ps.ValueKind != JsonValueKind.Array || ps.GetArrayLength() == 0)
                errors.Add($"{at}.provinces must list at least one province (two digits, as \"41\")");
            else
                foreach (var p in ps.EnumerateArray())
                {
                    var code = p.ValueKind == JsonValueKind.String ? p.GetString()! : p.GetRawText();
                    if (!Provinces.Contains(code)) errors.Add($"{at}.provinces: '{code}' is not a province code (two digits, GB/T 2260)");
                    else if (owner.TryGetValue(code, out var first)) errors.Add($"{at}.provinces: {code} is already in shard {first}");
                    else
                    {
                        owner[code] = name ?? at;
                        provinces.Add(code);
                    }
                }
            if (name is not null && connection is not null) shards.Add(new ShardSpec(name, connection, provinces));
        }
        if (errors.Count > 0) throw new StartupRefusedException($"{path} has {errors.Count} problem(s):\n  " + string.Join("\n  ", errors));
        return shards;
    }

    /// <summary>Where a connection leads (host, port, database), to tell two names for one database apart.</summary>
    private static string DatabaseOf(string connection)
    {
        var b = new NpgsqlConnectionStringBuilder(connection);
        return $"{b.Host}:{b.Port}/{b.Database ?? b.Username}";
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;
}
