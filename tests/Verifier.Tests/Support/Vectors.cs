using System.Text.Json;

namespace LedgerVerify.Tests;

/// <summary>The JSON vectors under Vectors/, embedded in the test assembly (sources: Vectors/README.md).</summary>
public static class Vectors
{
    public static JsonElement Load(string file)
    {
        var name = typeof(Vectors).Assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + file, StringComparison.Ordinal));
        using var stream = typeof(Vectors).Assembly.GetManifestResourceStream(name)!;
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    public static byte[] Hex(JsonElement e) => Convert.FromHexString(e.GetString()!);

    public static byte[] Base64(JsonElement e) => e.ValueKind == JsonValueKind.Null ? [] : Convert.FromBase64String(e.GetString()!);
}
