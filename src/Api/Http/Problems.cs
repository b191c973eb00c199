using Ledger.Ingest;

namespace Ledger.Api.Http;

/// <summary>RFC 9457 problem responses. Every one carries the request id that is also in the logs.</summary>
public static class Problems
{
    public static IResult Of(HttpContext http, int status, string title, string detail, IReadOnlyList<ItemError>? errors = null)
    {
        var extensions = new Dictionary<string, object?> { ["requestId"] = http.TraceIdentifier };
        if (errors is { Count: > 0 })
            extensions["errors"] = errors.Select(e => new { field = e.Field, message = e.Message }).ToList();
        return Results.Problem(detail: detail, instance: http.Request.Path, statusCode: status, title: title,
            type: $"https://ledger.example/problems/{status}", extensions: extensions);
    }

    public static IResult Validation(HttpContext http, IReadOnlyList<ItemError> errors) =>
        Of(http, 400, "The request is malformed", Summary(errors), errors);

    public static IResult Forbidden(HttpContext http, string detail) => Of(http, 403, "Forbidden", detail);

    public static IResult NotFound(HttpContext http, string detail) => Of(http, 404, "Not found", detail);

    public static string Summary(IReadOnlyList<ItemError> errors) =>
        errors.Count == 1 ? $"{errors[0].Field}: {errors[0].Message}" : $"{errors.Count} problems; the first: {errors[0].Field}: {errors[0].Message}";
}
