using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Access;

[Collection(LedgerCollection.Name)]
public sealed class AccessTests(LedgerApp app) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var setup = await app.PostEventsAsync(await app.KeyAsync("writer"), [.. RegionTree(), Region("420000", "province", "000000"), Parcel(), Tenure()]);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_missing_or_unknown_key_is_401()
    {
        (await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var unknown = await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001", "lk_not-a-key");
        unknown.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unknown.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("{\"name\":\"\\ud800\",\"role\":\"auditor\",\"scope\":\"410000\"}", "name")]
    [InlineData("{\"name\":\"x\",\"role\":7,\"scope\":\"410000\"}", "role")]
    public async Task an_unreadable_key_request_is_400(string body, string field)
    {
        var response = await app.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", LedgerApp.AdminKey, body);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain($"\"field\":\"{field}\"");
    }

    [Fact]
    public async Task health_needs_no_key()
    {
        (await app.SendAsync(HttpMethod.Get, "/health", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public static TheoryData<string, string, string, string, int> Matrix() => new()
    {
        // role, scope, method, what, expected status
        { "writer", "410000", "POST", "events-inside", 200 },
        { "writer", "410100", "POST", "events-inside", 200 },
        { "writer", "410000", "POST", "events-outside", 403 },
        { "writer", "420000", "POST", "events-inside", 403 },
        { "writer", "000000", "GET", "stream", 403 },
        { "writer", "000000", "POST", "keys", 403 },
        { "auditor", "410000", "POST", "events-inside", 403 },
        { "auditor", "410000", "GET", "stream", 200 },
        { "auditor", "410100", "GET", "history", 200 },
        { "auditor", "420000", "GET", "stream", 403 },
        { "auditor", "000000", "POST", "keys", 403 },
        { "investigator", "000000", "GET", "stream", 200 },
        { "investigator", "410102", "GET", "history", 200 },
        { "investigator", "410103", "GET", "history", 403 },
        { "investigator", "000000", "POST", "events-inside", 403 },
        { "admin", "000000", "POST", "keys", 201 },
        { "admin", "000000", "GET", "stream", 403 },
        { "admin", "000000", "POST", "events-inside", 403 },
        { "writer", "410000", "GET", "sheet", 403 },
        { "auditor", "410100", "GET", "sheet", 200 },
        { "auditor", "420000", "GET", "sheet", 403 },
        { "investigator", "000000", "GET", "sheet", 200 },
        { "admin", "000000", "GET", "sheet", 403 },
        { "auditor", "410000", "GET", "annual", 200 },
        { "writer", "410000", "GET", "annual", 403 },
        { "auditor", "410102", "GET", "provenance", 200 },
        { "auditor", "410103", "GET", "provenance", 403 },
        { "writer", "000000", "GET", "provenance", 403 },
        { "investigator", "410000", "GET", "search", 200 },
        { "investigator", "420000", "GET", "search", 403 },
        { "auditor", "000000", "GET", "search", 403 },
        { "writer", "000000", "GET", "search", 403 },
        { "admin", "000000", "GET", "search", 403 },
        { "investigator", "410100", "GET", "back-dating", 200 },
        { "investigator", "420000", "GET", "back-dating", 403 },
        { "auditor", "000000", "GET", "back-dating", 403 },
        { "investigator", "000000", "GET", "verify", 200 },
        { "auditor", "000000", "GET", "verify", 403 },
        { "writer", "000000", "GET", "verify", 403 },
        { "admin", "000000", "GET", "verify", 403 },
        { "investigator", "000000", "GET", "checkpoints", 200 },
        { "auditor", "000000", "GET", "checkpoints", 403 },
        { "admin", "000000", "POST", "checkpoint", 201 },
        { "writer", "000000", "POST", "checkpoint", 403 },
        { "auditor", "000000", "DELETE", "key", 403 },
        { "admin", "000000", "DELETE", "key", 404 },
        { "auditor", "410102", "POST", "audit", 201 },
        { "investigator", "410000", "POST", "audit", 201 },
        { "auditor", "410103", "POST", "audit", 403 },
        { "writer", "000000", "POST", "audit", 403 },
        { "admin", "000000", "POST", "audit", 403 },
        { "auditor", "410100", "GET", "audits", 200 },
        { "auditor", "420000", "GET", "audits", 200 },
        { "writer", "000000", "GET", "audits", 403 },
        { "auditor", "000000", "GET", "rule-sets", 200 },
        { "writer", "000000", "GET", "rule-sets", 403 },
        { "admin", "000000", "GET", "audit-report", 403 },
        { "auditor", "420000", "GET", "audit-report", 404 },
        // Admins act only inside their scope (security review, issue 15).
        { "admin", "410000", "POST", "keys", 201 },
        { "admin", "410000", "POST", "keys-national", 403 },
        { "admin", "410000", "POST", "keys-other-province", 403 },
        { "admin", "410100", "POST", "keys-province", 403 },
        { "admin", "000000", "POST", "keys-national", 201 },
        { "admin", "410000", "DELETE", "key-national", 403 },
        { "admin", "410000", "DELETE", "key-inside", 204 },
        // Scope before state: an early knownAt must not turn a 403 into "recorded after …".
        { "auditor", "420000", "POST", "audit-early", 403 },
        { "auditor", "410000", "POST", "audit-early", 422 },
        { "auditor", "420000", "POST", "audit-unknown", 404 },
        // A succession retires its predecessors: every one must be in the writer's scope (second review, issue 29).
        { "writer", "410000", "POST", "succession-across", 403 },
        { "writer", "410100", "POST", "succession-across", 403 },
        { "writer", "000000", "POST", "succession-across", 422 },
        { "writer", "410100", "POST", "succession-inside", 200 },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task roles_and_scopes_decide_what_a_key_may_do(string role, string scope, string method, string what, int expected)
    {
        var key = await app.KeyAsync(role, scope);
        var response = what switch
        {
            "events-inside" => await app.PostEventsAsync(key, Occupied(area: 0.5m)),
            "events-outside" => await app.PostEventsAsync(key, Make("farmland.parcel-registered", "420000-000001", "420000",
                Parcel()["data"]!.DeepClone().AsObject(), "2021-01-01")),
            "succession-across" => await app.PostEventsAsync(key, Regions.Lineages.Succeeded("410102", "merger", "2025-01-01", "420101")),
            "succession-inside" => await SucceedAsync(key, "410199"),
            "stream" => await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001", key),
            "history" => await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001/events", key),
            "keys" => await app.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", key, new { name = "x", role = "auditor", scope = "410000" }),
            "keys-national" => await app.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", key, new { name = "x", role = "admin", scope = "000000" }),
            "keys-province" => await app.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", key, new { name = "x", role = "auditor", scope = "410000" }),
            "keys-other-province" => await app.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", key, new { name = "x", role = "auditor", scope = "420000" }),
            "key-national" => await app.SendAsync(HttpMethod.Delete, $"/api/v1/admin/keys/{await KeyIdAsync("000000")}", key),
            "key-inside" => await app.SendAsync(HttpMethod.Delete, $"/api/v1/admin/keys/{await KeyIdAsync("410102")}", key),
            "audit-early" => await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", key,
                new { tenureId = "T-410102-1", interim = true, knownAt = "2020-01-01T00:00:00Z" }),
            "audit-unknown" => await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", key, new { tenureId = "T-nowhere", interim = true }),
            "sheet" => await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/balance-sheet?from=2024-01-01&to=2024-12-31", key),
            "annual" => await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410000/balance-sheet/annual?fromYear=2020&toYear=2021", key),
            "provenance" => await app.SendAsync(HttpMethod.Get,
                "/api/v1/regions/410102/balance-sheet/provenance?account=farmland&from=2024-01-01&to=2024-12-31", key),
            "search" => await app.SendAsync(HttpMethod.Get, "/api/v1/events?region=410102", key),
            "back-dating" => await app.SendAsync(HttpMethod.Get, "/api/v1/investigations/back-dating?region=410102", key),
            "verify" => await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", key),
            "checkpoints" => await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/checkpoints", key),
            "checkpoint" => await app.SendAsync(HttpMethod.Post, "/api/v1/ledger/checkpoints", key),
            "key" => await app.SendAsync(HttpMethod.Delete, $"/api/v1/admin/keys/{Guid.NewGuid()}", key),
            "audit" => await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", key, new { tenureId = "T-410102-1", interim = true }),
            "audits" => await app.SendAsync(HttpMethod.Get, "/api/v1/audits", key),
            "rule-sets" => await app.SendAsync(HttpMethod.Get, "/api/v1/audit-rule-sets", key),
            "audit-report" => await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{Guid.NewGuid()}.pdf", key),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        ((int)response.StatusCode).ShouldBe(expected, $"{role}@{scope} {method} {what}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Registers county <paramref name="predecessor"/> and posts, with <paramref name="key"/>, 410102's succession of it.</summary>
    private async Task<HttpResponseMessage> SucceedAsync(string key, string predecessor)
    {
        var registered = await app.PostEventsAsync(await app.KeyAsync("writer"), Region(predecessor, "county", City));
        registered.StatusCode.ShouldBe(HttpStatusCode.OK, await registered.Content.ReadAsStringAsync());
        return await app.PostEventsAsync(key, Regions.Lineages.Succeeded(County, "merger", "2025-01-01", predecessor));
    }

    /// <summary>The id of a fresh auditor key with <paramref name="scope"/>, issued by the national bootstrap admin.</summary>
    private async Task<string> KeyIdAsync(string scope)
    {
        var issued = await app.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", LedgerApp.AdminKey,
            new { name = $"target-{scope}", role = "auditor", scope });
        issued.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task a_revoked_key_is_refused_and_keys_are_stored_only_as_hashes()
    {
        var issued = await app.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", LedgerApp.AdminKey, new { name = "temp", role = "auditor", scope = "410000" });
        issued.StatusCode.ShouldBe(HttpStatusCode.Created);
        var body = await issued.Content.ReadFromJsonAsync<JsonElement>();
        var key = body.GetProperty("key").GetString()!;
        (await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001", key)).StatusCode.ShouldBe(HttpStatusCode.OK);

        await using (var conn = new Npgsql.NpgsqlConnection(app.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("select count(*) from ledger.mt_doc_apikey where data::text like '%' || @k || '%'", conn);
            cmd.Parameters.AddWithValue("k", key);
            ((long)(await cmd.ExecuteScalarAsync())!).ShouldBe(0);
        }

        var revoke = await app.SendAsync(HttpMethod.Delete, $"/api/v1/admin/keys/{body.GetProperty("id").GetString()}", LedgerApp.AdminKey);
        revoke.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001", key)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.SendAsync(HttpMethod.Delete, $"/api/v1/admin/keys/{Guid.NewGuid()}", LedgerApp.AdminKey)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("{\"role\":\"auditor\",\"scope\":\"410000\"}", "name")]
    [InlineData("{\"name\":\"x\",\"role\":\"boss\",\"scope\":\"410000\"}", "role")]
    [InlineData("{\"name\":\"x\",\"role\":\"auditor\",\"scope\":\"41\"}", "scope")]
    public async Task an_invalid_key_request_is_a_400_naming_the_field(string body, string field)
    {
        var response = await app.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", LedgerApp.AdminKey, body);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain($"\"field\":\"{field}\"");
    }
}
