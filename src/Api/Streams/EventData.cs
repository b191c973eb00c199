using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Http;
using Ledger.Spatial;

namespace Ledger.Api.Streams;

/// <summary>
/// An event's data as readers get it: a boundary as its GeoJSON object, whichever form the event
/// keeps it in (<see cref="StoredGeometry"/>: one string since decision 72, a tree before).
/// </summary>
public static class EventData
{
    public static JsonElement ForReaders(object data)
    {
        if (data is not IHasGeometry { Geometry: { ValueKind: JsonValueKind.String } stored })
            return JsonSerializer.SerializeToElement(data, data.GetType(), LedgerJson.Options);
        var node = JsonSerializer.SerializeToNode(data, data.GetType(), LedgerJson.Options)!.AsObject();
        node["geometry"] = JsonNode.Parse(stored.GetString()!);
        return JsonSerializer.SerializeToElement(node, LedgerJson.Options);
    }
}
