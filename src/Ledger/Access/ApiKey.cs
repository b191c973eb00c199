using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Ledger.Access;

/// <summary>
/// A stored API key: only the SHA-256 of the secret is kept (the secret is 256 random bits, so a slow hash buys nothing).
/// <see cref="CreatedBy"/> is the issuing client's name and <see cref="CreatedByKeyId"/> its key (null for the bootstrap
/// admin and the command line). <see cref="NameKey"/> carries the unique index that keeps names from repeating.
/// </summary>
public sealed record ApiKey(Guid Id, string Name, string Role, string Scope, string Hash, Instant CreatedAt, string CreatedBy,
    Instant? RevokedAt = null, string? RevokedBy = null, Guid? CreatedByKeyId = null, string? NameKey = null)
{
    public static string NewSecret() => "lk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>
    /// Names compare after compatibility normalisation and case folding: "ＺＺ-1", "zz-1" and "ZZ-1" are one
    /// name, so no key holder can sign events under a look-alike of another's.
    /// </summary>
    public static string NameKeyOf(string name) => name.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
}
