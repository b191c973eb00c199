using System.Security.Cryptography;
using System.Text.Json;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace Ledger.Audit.Departure;

/// <summary>The report's one serialized form: the stored bytes, the hash and every rendering start from it.</summary>
public static class ReportJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DictionaryKeyPolicy = null,
            // Stored and served as JSON, never inlined into HTML; keeps 中文 readable in the file.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        return o;
    }

    public static string Serialize(DepartureReport report) => JsonSerializer.Serialize(report, Options);

    public static DepartureReport Deserialize(string json) =>
        JsonSerializer.Deserialize<DepartureReport>(json, Options) ?? throw new InvalidDataException("empty report");

    public static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));
}
