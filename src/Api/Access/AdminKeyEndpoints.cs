using Ledger.Access;
using Ledger.Api.Http;
using Ledger.Ingest;
using Ledger.Regions;
using Wolverine.Http;

namespace Ledger.Api.Access;

public static class AdminKeyEndpoints
{
    [WolverinePost("/api/v1/admin/keys")]
    public static async Task<IResult> Issue(HttpContext http, ApiKeyDirectory keys, CancellationToken ct)
    {
        if (http.Require(Role.Admin) is { } denied) return denied;
        var (doc, problem) = await RequestBody.ReadAsync(http, ct);
        if (problem is not null) return problem;
        using var _ = doc;

        var errors = new List<ItemError>();
        var root = doc!.RootElement;
        var unreadable = new List<ItemError>();
        string? Text(string name) =>
            root.ValueKind == System.Text.Json.JsonValueKind.Object ? RequestBody.Text(root, name, required: false, unreadable) : null;
        var name = Text("name");
        var role = ApiClient.ParseRole(Text("role"));
        var scope = Text("scope");
        if (unreadable.Count > 0) return Problems.Validation(http, unreadable);
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || name.Any(char.IsControl))
            errors.Add(new ItemError("name", "is required: 1-100 printable characters"));
        if (role is null) errors.Add(new ItemError("role", "must be one of: writer, auditor, investigator, admin"));
        if (scope is null || !RegionCodes.IsWellFormed(scope))
            errors.Add(new ItemError("scope", "must be a six-digit GB/T 2260 code (000000 = the whole nation)"));
        if (errors.Count > 0) return Problems.Validation(http, errors);

        var (key, secret) = await keys.IssueAsync(name!, role!.Value, scope!, http.Client().Name, ct);
        return Results.Json(new { id = key.Id, key = secret, name = key.Name, role = key.Role, scope = key.Scope },
            LedgerJson.Options, statusCode: 201);
    }

    [WolverineDelete("/api/v1/admin/keys/{id}")]
    public static async Task<IResult> Revoke(HttpContext http, string id, ApiKeyDirectory keys, CancellationToken ct)
    {
        if (http.Require(Role.Admin) is { } denied) return denied;
        if (!Guid.TryParse(id, out var keyId))
            return Problems.Validation(http, [new ItemError("id", "must be a key id (UUID)")]);
        return await keys.RevokeAsync(keyId, http.Client().Name, ct)
            ? Results.NoContent()
            : Problems.NotFound(http, $"no key has id {keyId}");
    }
}
