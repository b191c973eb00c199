using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Spatial;
using NodaTime;

namespace Ledger.Imports;

/// <summary>What one feature becomes: an event to post, a skip (not a class the layer takes), or the reasons it is rejected.</summary>
/// <param name="Group">For survey layers: the 一级类 of the feature's class (the import's status counts them).</param>
public sealed record FeatureOutcome(JsonObject? Event, string? Skipped, IReadOnlyList<string> Reasons, string? Group = null)
{
    public static FeatureOutcome Post(JsonObject e, string? group = null) => new(e, null, [], group);
    public static FeatureOutcome Skip(string why) => new(null, why, []);
    public static FeatureOutcome Reject(params string[] reasons) => new(null, null, reasons);
}

/// <summary>
/// Turns features into the events a provincial system would post: <c>farmland.parcel-registered</c>,
/// <c>redline.zone-designated</c> or <c>mining.right-granted</c>, effective on the import's date.
/// The event id is derived from the layer's event type, the stream key and the date, so importing
/// the same layer again appends nothing (every event is a duplicate), and a changed feature under
/// an already imported key is a conflict the import reports, never a silent second version.
/// </summary>
public static class FeatureEvents
{
    public static string TypeOf(string layer) => layer switch
    {
        "farmland" => "farmland.parcel-registered",
        "landuse" => LandUse.LandUseEventTypes.Registered,
        "redline" => "redline.zone-designated",
        "mining" => "mining.right-granted",
        _ => throw new ArgumentOutOfRangeException(nameof(layer), layer, null),
    };

    public static FeatureOutcome Of(ImportFeature f, ImportMapping m, LocalDate effectiveDate)
    {
        var reasons = new List<string>();
        string? Text(string target)
        {
            var v = Raw(f, m, target);
            var s = v switch
            {
                null => null,
                JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
                JsonElement e => e.GetRawText(),
                string t => t.Trim(),
                IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
                _ => v.ToString(),
            };
            if (string.IsNullOrEmpty(s)) reasons.Add($"{Source(m, target)} is empty");
            return string.IsNullOrEmpty(s) ? null : s;
        }

        var key = Text("key");
        var regionField = Text("region");
        var region = regionField is { Length: >= 6 } r && r[..6].All(char.IsAsciiDigit) ? r[..6] : null;
        if (regionField is not null && region is null) reasons.Add($"{Source(m, "region")} '{regionField}' does not start with a six-digit region code");
        if (f.Geometry is null) reasons.Add($"the feature {f.GeometryProblem ?? "has no geometry"}");

        var data = new JsonObject();
        string stream = "";
        string? type = null, group = null;
        switch (m.Layer)
        {
            // A 地类图斑 layer: farmland features become farmland parcels, every other class a land-use parcel (contract 1.8).
            case "farmland" or "landuse":
                var dlbm = Text("landClass");
                if (dlbm is not null && LandUse.LandClasses.Problem(dlbm) is { } unknown)
                    reasons.Add($"{Source(m, "landClass")} {unknown}");
                else if (dlbm is not null)
                {
                    group = LandUse.LandClasses.GroupOf(dlbm);
                    if (LandUse.LandClasses.FarmlandTypeOf(dlbm) is { } landType)
                    {
                        type = "farmland.parcel-registered";
                        data["landType"] = landType;
                    }
                    else
                    {
                        type = LandUse.LandUseEventTypes.Registered;
                        data["landClass"] = dlbm;
                    }
                }
                data["areaHa"] = Area(f, m, reasons);
                if (type == "farmland.parcel-registered")
                {
                    data["qualityGrade"] = Node(f, m, "qualityGrade", reasons);
                    data["permanentBasic"] = Node(f, m, "permanentBasic", reasons);
                }
                data["origin"] = Node(f, m, "origin", reasons);
                stream = $"{region}-{key}";
                break;
            case "redline":
                data["areaHa"] = Area(f, m, reasons);
                data["function"] = Node(f, m, "function", reasons);
                data["approvalRef"] = Node(f, m, "approvalRef", reasons);
                stream = key ?? "";
                break;
            case "mining":
                data["mineral"] = Node(f, m, "mineral", reasons);
                data["validFrom"] = Date(f, m, "validFrom", reasons);
                data["validTo"] = Date(f, m, "validTo", reasons);
                data["permittedAreaHa"] = Area(f, m, reasons);
                stream = key ?? "";
                break;
        }
        if (reasons.Count > 0) return FeatureOutcome.Reject([.. reasons]);
        data["geometry"] = f.Geometry!.DeepClone();
        type ??= TypeOf(m.Layer);
        var date = effectiveDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return FeatureOutcome.Post(new JsonObject
        {
            ["eventId"] = EventId(type, stream, date).ToString(), ["type"] = type, ["stream"] = stream, ["regionCode"] = region,
            ["effectiveDate"] = date, ["data"] = data,
        }, group);
    }

    /// <summary>A name-based id (SHA-256 of type, stream key and date, RFC 9562 version 8 layout).</summary>
    public static Guid EventId(string type, string stream, string date)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"ledger-import/v1\n{type}\n{stream}\n{date}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private static object? Raw(ImportFeature f, ImportMapping m, string target) =>
        m.Fields.TryGetValue(target, out var source)
            ? source.Attribute is { } a ? f.Attributes.GetValueOrDefault(a) : source.Value
            : null;

    private static string Source(ImportMapping m, string target) =>
        m.Fields.TryGetValue(target, out var s) ? s.Attribute is { } a ? $"{target} (attribute {a})" : $"{target} (mapped value)" : target;

    /// <summary>The value as posted JSON; the event's own rules judge it (and their message names the field).</summary>
    private static JsonNode? Node(ImportFeature f, ImportMapping m, string target, List<string> reasons)
    {
        var v = Raw(f, m, target);
        switch (v)
        {
            case null:
                reasons.Add($"{Source(m, target)} is empty");
                return null;
            case JsonElement e:
                return JsonNode.Parse(e.GetRawText());
            case string s when target is "qualityGrade" && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i):
                return i;
            case string s when target is "permanentBasic":
                return s.Trim() is "1" or "true" or "是" or "Y" or "y";
            case string s:
                return s.Trim();
            case bool b:
                return target is "permanentBasic" ? b : b.ToString();
            case DateTime d:
                return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case IConvertible c when target is "qualityGrade" or "permanentBasic":
                var n = c.ToDecimal(CultureInfo.InvariantCulture);
                return target is "permanentBasic" ? n != 0 : n == decimal.Truncate(n) ? (JsonNode)(int)n : (JsonNode)n;
            default:
                return v.ToString();
        }
    }

    private static JsonNode? Date(ImportFeature f, ImportMapping m, string target, List<string> reasons)
    {
        var v = Raw(f, m, target);
        if (v is DateTime d) return d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // 三调-style dates are often written 20240101.
        if (v is string s && s.Trim() is { Length: 8 } digits && digits.All(char.IsAsciiDigit)) return $"{digits[..4]}-{digits[4..6]}-{digits[6..]}";
        return Node(f, m, target, reasons);
    }

    /// <summary>The mapped area in hectares (m² divided by 10,000 when the unit is m²), rounded to 0.0001 ha; without a mapped area, the geometry's ellipsoidal area.</summary>
    private static JsonNode? Area(ImportFeature f, ImportMapping m, List<string> reasons)
    {
        if (!m.Fields.ContainsKey("area"))
        {
            if (f.Geometry is null) return null;
            var (shape, problem) = GeoJsonReader.Read(JsonDocument.Parse(f.Geometry.ToJsonString()).RootElement);
            if (shape is null) reasons.Add($"the geometry {problem}");
            return shape?.AreaHa;
        }
        var v = Raw(f, m, "area");
        decimal? number = v switch
        {
            string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            IConvertible c and not string and not bool and not DateTime => c.ToDecimal(CultureInfo.InvariantCulture),
            JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDecimal(),
            _ => null,
        };
        if (number is null)
        {
            reasons.Add($"{Source(m, "area")} is not a number ({v ?? "empty"})");
            return null;
        }
        var ha = m.AreaUnit == "m2" ? number.Value / 10_000m : number.Value;
        return Math.Round(ha, 4, MidpointRounding.AwayFromZero);
    }
}
