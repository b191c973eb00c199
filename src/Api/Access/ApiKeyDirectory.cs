using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Ledger.Access;
using Marten;
using NodaTime;

namespace Ledger.Api.Access;

/// <summary>
/// Resolves an API key to its client. Hits are cached for a short while; a revocation on this
/// node drops the cache entry at once, other nodes see it within <see cref="CacheFor"/>.
/// </summary>
public sealed class ApiKeyDirectory(IDocumentStore store, IClock clock, IConfiguration config)
{
    public static readonly Duration CacheFor = Duration.FromSeconds(10);
    public const string BootstrapAdminName = "bootstrap-admin";

    private readonly ConcurrentDictionary<string, (ApiClient? Client, Instant Until)> _cache = new();
    private readonly byte[]? _bootstrapHash = config["LEDGER_BOOTSTRAP_ADMIN_KEY"] is { Length: > 0 } k
        ? SHA256.HashData(Encoding.UTF8.GetBytes(k)) : null;

    public async Task<ApiClient?> FindAsync(string secret, CancellationToken ct)
    {
        if (_bootstrapHash is not null
            && CryptographicOperations.FixedTimeEquals(_bootstrapHash, SHA256.HashData(Encoding.UTF8.GetBytes(secret))))
            return new ApiClient(BootstrapAdminName, Role.Admin, "000000");
        return await FindByHashAsync(ApiKey.HashOf(secret), ct);
    }

    /// <summary>
    /// By the stored hash: workbench sessions keep only the hash, never the key, and resolve it on
    /// every request, so a revoked key ends its sessions too. The bootstrap admin has no session.
    /// </summary>
    public async Task<ApiClient?> FindByHashAsync(string hash, CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        if (_cache.TryGetValue(hash, out var hit) && hit.Until > now) return hit.Client;

        await using var session = store.QuerySession();
        var key = await session.Query<ApiKey>().Where(k => k.Hash == hash).SingleOrDefaultAsync(ct);
        var client = key is { RevokedAt: null } ? new ApiClient(key.Name, ApiClient.ParseRole(key.Role)!.Value, key.Scope) : null;
        _cache[hash] = (client, now + CacheFor);
        return client;
    }

    public async Task<(ApiKey Key, string Secret)> IssueAsync(string name, Role role, string scope, string issuedBy, CancellationToken ct)
    {
        var secret = ApiKey.NewSecret();
        var key = new ApiKey(Guid.NewGuid(), name, ApiClient.RoleName(role), scope, ApiKey.HashOf(secret), clock.GetCurrentInstant(), issuedBy);
        await using var session = store.LightweightSession();
        session.Insert(key);
        await session.SaveChangesAsync(ct);
        return (key, secret);
    }

    /// <returns>false when no key has that id.</returns>
    public async Task<bool> RevokeAsync(Guid id, string revokedBy, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var key = await session.LoadAsync<ApiKey>(id, ct);
        if (key is null) return false;
        if (key.RevokedAt is null)
        {
            session.Store(key with { RevokedAt = clock.GetCurrentInstant(), RevokedBy = revokedBy });
            await session.SaveChangesAsync(ct);
        }
        _cache.TryRemove(key.Hash, out _);
        return true;
    }
}
