using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Access;

/// <summary>Client names identify one key holder; admins stay inside their scope; refusals reveal nothing outside it.</summary>
[Collection(LedgerCollection.Name)]
public sealed class KeyIdentityTests(LedgerApp app) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var setup = await app.PostEventsAsync(await app.KeyAsync("writer"), [.. RegionTree(), Region("420000", "province", "000000"), Parcel(), Tenure()]);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<HttpResponseMessage> IssueAsync(string key, string name, string role = "writer", string scope = "410000") =>
        app.SendAsync(HttpMethod.Post, "/api/v1/admin/keys", key, new { name, role, scope });

    [Theory]
    [InlineData("ZZ-1")]
    [InlineData("zz-1")]
    [InlineData("ＺＺ-1")]
    [InlineData("bootstrap-admin")]
    [InlineData("CLI")]
    public async Task a_name_already_taken_or_a_look_alike_of_it_is_409(string second)
    {
        (await IssueAsync(LedgerApp.AdminKey, "ZZ-1")).StatusCode.ShouldBe(HttpStatusCode.Created);
        var again = await IssueAsync(LedgerApp.AdminKey, second, role: "auditor");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        again.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Theory]
    [InlineData("ZZ-1\n")]
    [InlineData("ZZ-1 ")]
    [InlineData("Z\u202EZ")]
    [InlineData("Z\u200BZ")]
    public async Task a_look_alike_name_is_400_naming_the_field(string name)
    {
        var response = await IssueAsync(LedgerApp.AdminKey, name);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"field\":\"name\"");
    }

    [Fact]
    public async Task a_key_records_the_key_of_the_admin_who_issued_it()
    {
        var adminResponse = await IssueAsync(LedgerApp.AdminKey, "henan-admin", role: "admin");
        var admin = await adminResponse.Content.ReadFromJsonAsync<JsonElement>();
        var issued = await IssueAsync(admin.GetProperty("key").GetString()!, "zhengzhou-writer", scope: "410100");
        issued.StatusCode.ShouldBe(HttpStatusCode.Created);
        var id = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select data->>'createdBy', data->>'createdByKeyId' from ledger.mt_doc_apikey where id = @id::uuid", conn);
        cmd.Parameters.AddWithValue("id", id!);
        await using var r = await cmd.ExecuteReaderAsync();
        (await r.ReadAsync()).ShouldBeTrue();
        r.GetString(0).ShouldBe("henan-admin");
        r.GetString(1).ShouldBe(admin.GetProperty("id").GetString());
    }

    [Fact]
    public async Task an_out_of_scope_audit_request_is_403_whatever_its_knownAt_and_names_no_region()
    {
        var outsider = await app.KeyAsync("auditor", "420000");
        foreach (var knownAt in new[] { "2020-01-01T00:00:00Z", "2026-03-01T08:00:00Z" })
        {
            var response = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", outsider,
                new { tenureId = "T-410102-1", interim = true, knownAt });
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            var text = await response.Content.ReadAsStringAsync();
            text.ShouldNotContain("region 410102");
            text.ShouldNotContain("recorded after");
        }
    }

    [Theory]
    [InlineData("/api/v1/streams/farmland/410102-000001")]
    [InlineData("/api/v1/streams/farmland/410102-000001/events")]
    [InlineData("/api/v1/streams/tenure/T-410102-1")]
    public async Task a_stream_outside_the_scope_is_403_without_naming_its_region(string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, await app.KeyAsync("auditor", "420000"));
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("belongs to region");
        (await response.Content.ReadAsStringAsync()).ShouldNotContain("410102\"");
    }
}
