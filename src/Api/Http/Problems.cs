using Ledger.Ingest;

namespace Ledger.Api.Http;

/// <summary>RFC 9457 problem responses. Every one carries the request id that is also in the logs.</summary>
public static class Problems
{
    /// <summary>
    /// At most this many field errors in one answer: a 1,000-event batch with every field wrong, or a
    /// body repeating one name a million times, must not turn into an answer larger than the request.
    /// </summary>
    public const int MaxErrors = 100;

    /// <param name="total">How many errors there were when the caller stopped collecting at <see cref="MaxErrors"/>.</param>
    public static IResult Of(HttpContext http, int status, string title, string detail, IReadOnlyList<ItemError>? errors = null, int? total = null)
    {
        var extensions = new Dictionary<string, object?> { ["requestId"] = http.TraceIdentifier };
        if (errors is { Count: > 0 })
        {
            var count = Math.Max(total ?? 0, errors.Count);
            var shown = errors.Take(MaxErrors).Select(e => new { field = e.Field, message = e.Message }).ToList();
            if (count > shown.Count)
                shown.Add(new { field = "$", message = $"and {count - shown.Count} more problems not listed (at most {MaxErrors} are)" });
            extensions["errors"] = shown;
            extensions["errorCount"] = count;
        }
        return Results.Problem(detail: detail, instance: http.Request.Path, statusCode: status, title: title,
            type: $"https://ledger.example/problems/{status}", extensions: extensions);
    }

    public static IResult Validation(HttpContext http, IReadOnlyList<ItemError> errors, int? total = null) =>
        Of(http, 400, "The request is malformed", Summary(errors, total), errors, total);

    public static IResult Forbidden(HttpContext http, string detail) => Of(http, 403, "Forbidden", detail);

    public static IResult NotFound(HttpContext http, string detail) => Of(http, 404, "Not found", detail);

    public static string Summary(IReadOnlyList<ItemError> errors, int? total = null) =>
        Math.Max(total ?? 0, errors.Count) is var n && n == 1
            ? $"{errors[0].Field}: {errors[0].Message}"
            : $"{n} problems; the first: {errors[0].Field}: {errors[0].Message}";
}
