using System.Text;
using System.Text.Json.Nodes;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Hostile;

/// <summary>
/// Bodies for POST /api/v1/events that must each be refused with a 4xx problem and change
/// nothing: malformed JSON, bad UTF-8, wrong types, out-of-range numbers, unknown names,
/// impossible dates, scope and stream mismatches, conflicts, oversize and deep nesting.
/// </summary>
public static class HostileCorpus
{
    public const string ConflictingId = "7d9a4b1e-5c2f-4e8a-9b3d-1f6e2a7c8d90";

    private static readonly JsonNode?[] Junk =
    [
        0, -1, 1.5, true, false, new JsonArray(), new JsonObject(), "", " ", new string('x', 10_000), "'; drop table ledger.mt_events; --",
        "<script>alert(1)</script>", "\u0000", "../../etc/passwd", "${jndi:ldap://127.0.0.1/x}", "%s%s%s%n", "𠀀𠀀", "1e999",
    ];

    public static IEnumerable<(string Name, byte[] Body)> Cases()
    {
        foreach (var (name, text) in Malformed()) yield return (name, Encoding.UTF8.GetBytes(text));
        foreach (var (name, bytes) in BadUtf8()) yield return (name, bytes);
        foreach (var (name, e) in EnvelopeMutations()) yield return (name, Body(e));
        foreach (var (name, e) in DataMutations()) yield return (name, Body(e));
        foreach (var (name, events) in Semantic()) yield return (name, Body(events));
        foreach (var (name, e) in LookAlikes()) yield return (name, Body(e));
        foreach (var (name, e) in HostileLandQuotaCorpus.Cases()) yield return (name, Body(e));
        foreach (var (name, events) in HostileSuccessionCorpus.Cases()) yield return (name, Body(events));
        yield return ("1001 events", Body(Enumerable.Range(0, 1001).Select(_ => Occupied(area: 0.0001m)).ToArray()));
        yield return ("body over 4 MB", Encoding.UTF8.GetBytes($"{{\"events\":[],\"pad\":\"{new string('x', 4 * 1024 * 1024 + 10)}\"}}"));
        yield return ("nesting 10,000 deep", Encoding.UTF8.GetBytes("{\"events\":" + new string('[', 10_000) + new string(']', 10_000) + "}"));
        yield return ("data nested 100 deep", Encoding.UTF8.GetBytes(
            Occupied().ToJsonString().Replace("\"data\":{", "\"data\":{\"x\":" + new string('[', 100) + new string(']', 100) + ",")));
    }

    private static IEnumerable<(string, string)> Malformed() =>
    [
        ("empty body", ""), ("only whitespace", "   \n"), ("open brace", "{"), ("close brace", "}"), ("array root", "[]"), ("null root", "null"),
        ("number root", "42"), ("string root", "\"events\""), ("unterminated", "{\"events\":"), ("bad array", "{\"events\":[}"),
        ("single quotes", "{'events':[]}"), ("empty member", "{\"events\":[{,}]}"), ("trailing comma", "{\"events\":[] ,}"),
        ("NaN", "{\"events\": NaN}"), ("unclosed object", "{\"events\":[{\"eventId\":\"x\"}]"), ("trailing garbage", "{\"events\":[]}xyz"),
        ("comment", "/* hi */{\"events\":[]}"), ("no events", "{\"events\":[]}"), ("events is object", "{\"events\":{}}"),
        ("events is string", "{\"events\":\"all\"}"), ("unknown root field", "{\"events\":[],\"also\":1}"), ("item is number", "{\"events\":[1]}"),
        ("item is null", "{\"events\":[null]}"), ("lone surrogate escape", Occupied().With("data.approvalRef", "SURROGATE").ToJsonString().Replace("SURROGATE", "\\ud800")),
        ("lone surrogate in type", Occupied().ToJsonString().Replace("farmland.occupied", "farmland.\\udc00")),
        ("escaped NUL in type", Occupied().ToJsonString().Replace("farmland.occupied", "farmland.occupied\\u0000")),
        ("duplicate root key", "{\"events\":[],\"events\":[]}"), ("infinity", "{\"events\": Infinity}"), ("hex number", "{\"events\":[0x10]}"),
    ];

    private static IEnumerable<(string, byte[])> BadUtf8()
    {
        var valid = Encoding.UTF8.GetBytes(Occupied().ToJsonString());
        foreach (var (name, bad) in new (string, byte[])[]
        {
            ("invalid byte 0xFF", [0xFF]), ("overlong slash", [0xC0, 0xAF]), ("truncated sequence", [0xE4, 0xB8]),
            ("encoded surrogate", [0xED, 0xA0, 0x80]), ("continuation alone", [0x80]),
        })
        {
            var marker = Encoding.UTF8.GetBytes("construction");
            var index = IndexOf(valid, marker);
            yield return (name, [.. valid[..(index + 2)], .. bad, .. valid[(index + 2)..]]);
        }
    }

    private static IEnumerable<(string, JsonObject)> EnvelopeMutations()
    {
        var optional = new HashSet<string> { "expectedVersion", "source" };
        foreach (var field in new[] { "eventId", "type", "stream", "regionCode", "effectiveDate", "expectedVersion", "data", "source" })
        {
            if (!optional.Contains(field)) yield return ($"{field} missing", Occupied().With(field, null));
            foreach (var (value, i) in Junk.Select((v, i) => (v, i)))
            {
                if (field == "expectedVersion" && value is JsonValue v && v.TryGetValue<int>(out var n) && n >= 0) continue;
                if (field == "source" && value is JsonObject) continue;
                if (field == "data" && value is JsonObject) continue; // handled: missing required data fields below
                yield return ($"{field} = junk #{i}", Occupied().With(field, value?.DeepClone()));
            }
        }
        yield return ("expectedVersion stale (0)", Occupied().With("expectedVersion", 0));
        yield return ("data empty object", Occupied().With("data", new JsonObject()));
        yield return ("source with unknown field", Occupied().With("source", new JsonObject { ["signedBy"] = "me" }));
    }

    private static IEnumerable<(string, JsonObject)> DataMutations()
    {
        var numbers = new JsonNode?[] { 0, -1, -0.0001, 1e30, 1.00001, 1e-5, "1", true, new JsonArray(), 10_000_000_000m };
        yield return ("areaHa beyond the parcel", Occupied().With("data.areaHa", 1_000_000m));
        foreach (var (value, i) in numbers.Select((v, i) => (v, i)))
        {
            yield return ($"areaHa = bad #{i}", Occupied().With("data.areaHa", value?.DeepClone()));
            yield return ($"zone areaHa = bad #{i}", Zone("410102-RL99").With("data.areaHa", value?.DeepClone()));
            yield return ($"quota = bad #{i}", Quota(2025).With("data.totalQuota", value?.DeepClone()));
            yield return ($"mine permitted = bad #{i}", Mine("C-99").With("data.permittedAreaHa", value?.DeepClone()));
        }
        foreach (var (value, i) in new JsonNode?[] { "golf", "", "CONSTRUCTION", 1, true, new JsonArray("construction") }.Select((v, i) => (v, i)))
        {
            yield return ($"purpose = bad #{i}", Occupied().With("data.purpose", value?.DeepClone()));
            yield return ($"zone function = bad #{i}", Zone("410102-RL99").With("data.function", value?.DeepClone()));
            yield return ($"tenure post = bad #{i}", Tenure("T-99").With("data.post", value?.DeepClone()));
        }
        foreach (var (value, i) in new JsonNode?[] { "true", 1, 0, new JsonObject() }.Select((v, i) => (v, i)))
            yield return ($"legal = bad #{i}", Occupied().With("data.legal", value?.DeepClone()));
        foreach (var (value, i) in new JsonNode?[] { "", "  ", 1, new JsonArray(), "\u0007bell", new string('批', 501) }.Select((v, i) => (v, i)))
            yield return ($"approvalRef = bad #{i}", Occupied().With("data.approvalRef", value?.DeepClone()));
        foreach (var (value, i) in new JsonNode?[] { 0, 11, 3.5, "3", -1 }.Select((v, i) => (v, i)))
            yield return ($"qualityGrade = bad #{i}", Parcel("410102-000099").With("data.qualityGrade", value?.DeepClone()));
        yield return ("water year not the key's", Quota(2025).With("data.year", 2024));
        yield return ("groundwater above total", Quota(2025).With("data.groundwaterQuota", 5000m));
        yield return ("unknown data field", Occupied().With("data.areaMu", 15));
    }

    private static IEnumerable<(string, JsonObject[])> Semantic() =>
    [
        ("unknown type", [Occupied().With("type", "farmland.stolen")]),
        ("type without domain", [Occupied().With("type", "occupied")]),
        ("future date", [Occupied(date: "2026-03-02")]),
        ("29 February of a common year", [Occupied(date: "2023-02-29")]),
        ("month 13", [Occupied(date: "2024-13-01")]),
        ("year zero", [Occupied(date: "0000-01-01")]),
        ("unpadded date", [Occupied(date: "2024-1-1")]),
        ("date with time", [Occupied(date: "2024-01-01T00:00:00Z")]),
        ("before 1949-10-01", [Occupied(date: "1900-01-01")]),
        ("unknown region", [Parcel("419999-000001").With("regionCode", "419999")]),
        ("nation as region", [Occupied().With("regionCode", "000000")]),
        ("region and stream disagree", [Occupied("410103-000001")]),
        ("stream that does not exist", [Occupied("410102-999999")]),
        ("creating an existing stream", [Parcel()]),
        ("taking more than the parcel holds", [Occupied(area: 10.0001m)]),
        ("duplicate ids in one batch", [Occupied(area: 0.1m).With("eventId", "0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11"),
            Occupied(area: 0.1m).With("eventId", "0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11")]),
        ("conflicting retry", [Occupied(area: 2m).With("eventId", ConflictingId)]),
        ("valid event then a bad one", [Occupied(area: 0.1m), Occupied(area: -1m)]),
        ("nil UUID", [Occupied().With("eventId", Guid.Empty.ToString())]),
        ("UUID without dashes", [Occupied().With("eventId", Guid.NewGuid().ToString("N"))]),
    ];

    /// <summary>Codes, keys and names that look like valid ones but are not (security review, issue 15).</summary>
    public static IEnumerable<(string, JsonObject)> LookAlikes()
    {
        foreach (var code in LookAlikeCodes)
        {
            yield return ($"region {Escape(code)} registered", Region(code, "county", City));
            yield return ($"parcel in region {Escape(code)}", Parcel().With("regionCode", code));
        }
        foreach (var key in new[] { "410102-000001\n", "410102-000001 ", " 410102-000001", "４１０１０２-000001", "410102-0000０1",
                     "410102-\u202E100000", "410102-000001\u200B", "410102-000001\u0378", "410102-000001\u2028", "410102-00000\u0661" })
            yield return ($"parcel key {Escape(key)}", Parcel("410102-000077").With("stream", key));
        yield return ("water key with a final newline", Quota(2030).With("stream", "410102-2030\n"));
        yield return ("water key with fullwidth year", Quota(2030).With("stream", "410102-２０３０"));
        foreach (var name in new[] { "中原区\u202E", "中原区 ", " 中原区", "中\u200B原区", "中原区\u0378", "中原\u2028区", "\u2066中原区\u2069" })
            yield return ($"region name {Escape(name)}", Region("410199", "county", City, name));
        yield return ("official name with a right-to-left override", Tenure("T-99").With("data.officialName", "张\u202E三"));
        yield return ("official id with a trailing space", Tenure("T-99").With("data.officialId", "O-1 "));
        yield return ("encroachment id with a zero-width space", Make("redline.encroachment-detected", "410102-RL01", County,
            new JsonObject { ["encroachmentId"] = "E\u200B1", ["areaHa"] = 1m, ["activity"] = "farming" }));
        yield return ("approvalRef with a bidi isolate", Occupied().With("data.approvalRef", "豫政土\u2067〔2024〕12号"));
    }

    /// <summary>Strings that a regex with <c>$</c> or <c>\d</c> would take for a six-digit region code.</summary>
    public static readonly string[] LookAlikeCodes =
        ["410102\n", "410102\r", " 410102", "410102 ", "４１０１０２", "٤١٠١٠٢", "41010２", "410102\u200B", "\u202D410102"];

    private static string Escape(string s) => string.Concat(s.Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString()));

    public static byte[] Body(params JsonObject[] events) =>
        Encoding.UTF8.GetBytes(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }.ToJsonString());

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
