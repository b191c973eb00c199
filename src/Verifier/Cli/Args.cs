namespace LedgerVerify;

/// <summary>
/// The command line after the command name: <c>--name value</c> options and plain arguments. An
/// option named in <c>many</c> takes every value up to the next <c>--option</c> (as
/// <c>--log KEY1 KEY2</c>); one named in <c>repeatable</c> may be given more than once.
/// </summary>
internal sealed class Args
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);

    public List<string> Plain { get; } = [];

    public static Args Parse(IReadOnlyList<string> args, string[] single, string[] repeatable, string[] many)
    {
        var parsed = new Args();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                parsed.Plain.Add(arg);
                continue;
            }
            var name = arg[2..];
            if (!single.Contains(name) && !repeatable.Contains(name) && !many.Contains(name)) throw new UsageError($"unknown option {arg}");
            if (single.Contains(name) && parsed._options.ContainsKey(name)) throw new UsageError($"{arg} is given twice");
            var values = parsed._options.TryGetValue(name, out var list) ? list : parsed._options[name] = [];
            var before = values.Count;
            if (many.Contains(name))
                while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) values.Add(args[++i]);
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)) values.Add(args[++i]);
            if (values.Count == before) throw new UsageError($"{arg} needs a value");
        }
        return parsed;
    }

    public string? Optional(string name) => _options.TryGetValue(name, out var v) ? v[0] : null;

    public string Required(string name) => Optional(name) ?? throw new UsageError($"--{name} is required");

    public IReadOnlyList<string> All(string name) => _options.TryGetValue(name, out var v) ? v : [];
}
