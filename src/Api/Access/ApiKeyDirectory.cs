using System.Security.Cryptography;
using System.Text;
using Ledger.Access;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Caching.Memory;
using NodaTime;

namespace Ledger.Api.Access;

/// <summary>
/// Resolves an API key to its client. Lookups are cached for a short while; a revocation on this
/// node drops the cache entry at once, other nodes see it within <see cref="CacheFor"/>. Both
/// caches are bounded: a flood of random keys can neither grow memory nor reach the database
/// faster than the per-address limit in <see cref="AddressLimiter"/> allows.
/// </summary>
public sealed class ApiKeyDirectory(IDocumentStore store, IClock clock, IConfiguration config) : IDisposable
{
    public static readonly Duration CacheFor = Duration.FromSeconds(10);
    public const string BootstrapAdminName = "bootstrap-admin";
    public const string CommandLineName = "cli";

    // Entries are counted, not weighed: each one holds a hash and a small record. Once full, new
    // lookups are answered but not remembered until expiry makes room.
    private readonly MemoryCache _cache = new(new MemoryCacheOptions
    {
        SizeLimit = Ledger.Storage.OperatorSettings.KeyCacheEntries.Int(n => config[n]),
    });

    /// <summary>Lookups remembered now (hits and misses); never more than the cache's size limit.</summary>
    public int CachedCount => _cache.Count;
    private readonly byte[]? _bootstrapHash = config["LEDGER_BOOTSTRAP_ADMIN_KEY"] is { Length: > 0 } k
        ? SHA256.HashData(Encoding.UTF8.GetBytes(k)) : null;

    /// <summary>The client of <paramref name="secret"/> if it is already known to this node (no database read).</summary>
    public bool TryFindCached(string secret, out ApiClient? client)
    {
        client = null;
        if (IsBootstrap(secret))
        {
            client = Bootstrap;
            return true;
        }
        return _cache.TryGetValue(ApiKey.HashOf(secret), out client);
    }

    public async Task<ApiClient?> FindAsync(string secret, CancellationToken ct) =>
        IsBootstrap(secret) ? Bootstrap : await FindByHashAsync(ApiKey.HashOf(secret), ct);

    /// <summary>
    /// By the stored hash: workbench sessions keep only the hash, never the key, and resolve it on
    /// every request, so a revoked key ends its sessions too. The bootstrap admin has no session.
    /// </summary>
    public async Task<ApiClient?> FindByHashAsync(string hash, CancellationToken ct)
    {
        if (_cache.TryGetValue(hash, out ApiClient? cached)) return cached;
        await using var session = store.QuerySession();
        var key = await session.Query<ApiKey>().Where(k => k.Hash == hash).SingleOrDefaultAsync(ct);
        var client = key is { RevokedAt: null } ? new ApiClient(key.Name, ApiClient.ParseRole(key.Role)!.Value, key.Scope, key.Id) : null;
        _cache.Set(hash, client, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = CacheFor.ToTimeSpan() });
        return client;
    }

    /// <returns>The key and its secret, or null when the name (or a look-alike of it) is taken or reserved.</returns>
    public async Task<(ApiKey Key, string Secret)?> IssueAsync(string name, Role role, string scope, ApiClient? issuer, CancellationToken ct)
    {
        var nameKey = ApiKey.NameKeyOf(name);
        if (nameKey == ApiKey.NameKeyOf(BootstrapAdminName) || nameKey == ApiKey.NameKeyOf(CommandLineName)) return null;
        var secret = ApiKey.NewSecret();
        var key = new ApiKey(Guid.NewGuid(), name, ApiClient.RoleName(role), scope, ApiKey.HashOf(secret), clock.GetCurrentInstant(),
            issuer?.Name ?? CommandLineName, CreatedByKeyId: issuer?.KeyId, NameKey: nameKey);
        await using var session = store.LightweightSession();
        // Keys issued before names were unique have no NameKey: compare their names too.
        if (await session.Query<ApiKey>().AnyAsync(k => k.NameKey == nameKey || k.Name == name, ct)) return null;
        session.Insert(key);
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (MartenCommandException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return null; // another node issued the same name a moment ago
        }
        return (key, secret);
    }

    public async Task<ApiKey?> LoadAsync(Guid id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ApiKey>(id, ct);
    }

    public async Task RevokeAsync(ApiKey key, string revokedBy, CancellationToken ct)
    {
        if (key.RevokedAt is null)
        {
            await using var session = store.LightweightSession();
            session.Store(key with { RevokedAt = clock.GetCurrentInstant(), RevokedBy = revokedBy });
            await session.SaveChangesAsync(ct);
        }
        _cache.Remove(key.Hash);
    }

    public void Dispose() => _cache.Dispose();

    private static ApiClient Bootstrap => new(BootstrapAdminName, Role.Admin, Ledger.Regions.RegionCodes.Nation);

    private bool IsBootstrap(string secret) => _bootstrapHash is not null
        && CryptographicOperations.FixedTimeEquals(_bootstrapHash, SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
