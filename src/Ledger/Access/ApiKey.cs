using System.Security.Cryptography;
using System.Text;
using NodaTime;

namespace Ledger.Access;

/// <summary>A stored API key: only the SHA-256 of the secret is kept (the secret is 256 random bits, so a slow hash buys nothing).</summary>
public sealed record ApiKey(Guid Id, string Name, string Role, string Scope, string Hash, Instant CreatedAt, string CreatedBy,
    Instant? RevokedAt = null, string? RevokedBy = null)
{
    public static string NewSecret() => "lk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
        .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
