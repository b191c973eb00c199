using Ledger.Access;
using Ledger.Api.Http;
using Ledger.Events;
using Ledger.Ingest;
using Ledger.Regions;
using Wolverine.Http;

namespace Ledger.Api.Access;

/// <summary>
/// Issuing and revoking keys. An admin acts only inside its own scope: a provincial admin can
/// neither mint a national key nor revoke another province's. Names are unique (409), so an
/// event's client name always points at one key holder.
/// </summary>
public static class AdminKeyEndpoints
{
    public const int MaxNameLength = 100;

    [WolverinePost("/api/v1/admin/keys")]
    public static async Task<IResult> Issue(HttpContext http, ApiKeyDirectory keys, CancellationToken ct)
    {
        if (http.Require(Role.Admin) is { } denied) return denied;
        var (doc, problem) = await RequestBody.ReadAsync(http, ct);
        if (problem is not null) return problem;
        using var _ = doc;

        var root = doc!.RootElement;
        var errors = new List<ItemError>();
        string? Text(string name) =>
            root.ValueKind == System.Text.Json.JsonValueKind.Object ? RequestBody.Text(root, name, required: false, errors) : null;
        var name = Text("name");
        var roleText = Text("role");
        var scope = Text("scope");
        if (errors.Count > 0) return Problems.Validation(http, errors);
        var role = ApiClient.ParseRole(roleText);
        errors.AddRange(Check(name, role, scope));
        if (errors.Count > 0) return Problems.Validation(http, errors);

        var admin = http.Client();
        if (!admin.CanSee(scope!))
            return Problems.Forbidden(http, $"an admin scoped to {admin.Scope} issues keys only inside {admin.Scope}; scope {scope} needs an admin whose scope contains it");
        var issued = await keys.IssueAsync(name!, role!.Value, scope!, admin, ct);
        if (issued is not { } done)
            return Problems.Of(http, 409, "Name taken", $"a key named '{name}' (or a look-alike of it) already exists or the name is reserved: client names identify one key holder");
        return Results.Json(new { id = done.Key.Id, key = done.Secret, name = done.Key.Name, role = done.Key.Role, scope = done.Key.Scope },
            LedgerJson.Options, statusCode: 201);
    }

    /// <summary>The shape rules for a new key, shared with the command line.</summary>
    public static IEnumerable<ItemError> Check(string? name, Role? role, string? scope)
    {
        if (name is null) yield return new ItemError("name", "is required: 1-100 printable characters");
        else if (TextRules.IdentifierProblem(name) is { } bad) yield return new ItemError("name", bad);
        else if (name.Length > MaxNameLength) yield return new ItemError("name", $"must be at most {MaxNameLength} characters");
        if (role is null) yield return new ItemError("role", "must be one of: writer, auditor, investigator, admin");
        if (scope is null || !RegionCodes.IsWellFormed(scope))
            yield return new ItemError("scope", "must be a six-digit GB/T 2260 code (000000 = the whole nation)");
    }

    [WolverineDelete("/api/v1/admin/keys/{id}")]
    public static async Task<IResult> Revoke(HttpContext http, string id, ApiKeyDirectory keys, CancellationToken ct)
    {
        if (http.Require(Role.Admin) is { } denied) return denied;
        if (!Guid.TryParse(id, out var keyId))
            return Problems.Validation(http, [new ItemError("id", "must be a key id (UUID)")]);
        var key = await keys.LoadAsync(keyId, ct);
        if (key is null) return Problems.NotFound(http, $"no key has id {keyId}");
        var admin = http.Client();
        if (!admin.CanSee(key.Scope))
            return Problems.Forbidden(http, $"key {keyId} is outside the scope {admin.Scope} of client '{admin.Name}'");
        await keys.RevokeAsync(key, admin.Name, ct);
        return Results.NoContent();
    }
}
