using System.Text.Json;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;

namespace Ledger.Api.Http;

public static class LedgerJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.DictionaryKeyPolicy = null;
        // JSON for API clients, never inlined into HTML: keep 中文 and "&" in links readable.
        o.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        return o;
    }
}
