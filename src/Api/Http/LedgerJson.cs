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
        o.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        return o;
    }
}
