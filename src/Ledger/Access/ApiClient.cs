using Ledger.Regions;

namespace Ledger.Access;

public enum Role
{
    Writer,
    Auditor,
    Investigator,
    Admin,
}

/// <summary>
/// The named client behind an API key: one role, one region scope (<c>000000</c> = the nation).
/// <see cref="KeyId"/> is null for the bootstrap admin, whose key lives in the environment.
/// </summary>
public sealed record ApiClient(string Name, Role Role, string Scope, Guid? KeyId = null)
{
    public bool CanSee(string regionCode) => RegionCodes.Contains(Scope, regionCode);

    public bool IsNational => Scope == RegionCodes.Nation;

    /// <summary>Investigators may do everything auditors may.</summary>
    public bool Has(Role role) => Role == role || (role == Role.Auditor && Role == Role.Investigator);

    public static string RoleName(Role role) => role.ToString().ToLowerInvariant();

    public static Role? ParseRole(string? value) => value switch
    {
        "writer" => Role.Writer,
        "auditor" => Role.Auditor,
        "investigator" => Role.Investigator,
        "admin" => Role.Admin,
        _ => null,
    };
}
