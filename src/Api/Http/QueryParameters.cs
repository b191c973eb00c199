using Ledger.Ingest;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Http;

/// <summary>Reads typed query parameters, collecting a field-level error for each bad one.</summary>
public sealed class QueryParameters(HttpContext http)
{
    public List<ItemError> Errors { get; } = [];

    public LocalDate? Date(string name)
    {
        if (Raw(name) is not { } raw) return null;
        var r = LocalDatePattern.Iso.Parse(raw);
        if (r.Success && raw.Length == 10) return r.Value;
        Errors.Add(new ItemError(name, "must be a date YYYY-MM-DD"));
        return null;
    }

    public Instant? Instant(string name)
    {
        if (Raw(name) is not { } raw) return null;
        var r = InstantPattern.ExtendedIso.Parse(raw);
        if (r.Success) return r.Value;
        Errors.Add(new ItemError(name, "must be an ISO-8601 UTC instant such as 2026-03-01T08:00:00Z"));
        return null;
    }

    public int? Integer(string name, int min, int max)
    {
        if (Raw(name) is not { } raw) return null;
        if (int.TryParse(raw, out var v) && v >= min && v <= max) return v;
        Errors.Add(new ItemError(name, $"must be a whole number from {min} to {max}"));
        return null;
    }

    public long? Long(string name, long min, long max)
    {
        if (Raw(name) is not { } raw) return null;
        if (long.TryParse(raw, out var v) && v >= min && v <= max) return v;
        Errors.Add(new ItemError(name, $"must be a whole number from {min} to {max}"));
        return null;
    }

    public string? OneOf(string name, params string[] values)
    {
        if (Raw(name) is not { } raw) return null;
        if (values.Contains(raw)) return raw;
        Errors.Add(new ItemError(name, $"must be one of: {string.Join(", ", values)}"));
        return null;
    }

    private string? Raw(string name) => http.Request.Query[name].ToString() is { Length: > 0 } s ? s : null;
}
