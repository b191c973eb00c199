using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.Spatial;

/// <summary>The geometry projections are derived tables: verify rebuilds them from the events and names a forged row.</summary>
[Collection(LedgerCollection.Name)]
public sealed class GeometryVerifyTests(LedgerApp app) : IAsyncLifetime
{
    private string _investigator = "";

    public async Task InitializeAsync()
    {
        await MapScenario.LoadAsync(app);
        _investigator = await app.KeyAsync("investigator");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_ledger_with_geometry_verifies()
    {
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeTrue(result.ToString());
    }

    [Fact]
    public async Task a_forged_overlap_is_reported()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.overlaps select gen_random_uuid(), seq, 'occupation', layer, 99, effective_date, recorded_at, footprint_seq,
              footprint_layer, protected_seq, footprint_region, protected_region from ledger.overlaps limit 1
            """);
        (await ShouldName("overlaps")).ShouldContain("but no such overlap is derived");
    }

    [Fact]
    public async Task a_deleted_overlap_is_reported()
    {
        await app.ExecuteSqlAsync("delete from ledger.overlaps where kind = 'licence'");
        (await ShouldName("overlaps")).ShouldContain("missing; derived licence");
    }

    [Fact]
    public async Task a_moved_boundary_is_reported()
    {
        // The owner moves a zone (the runtime role may not update): the stored geometry no longer matches its event.
        await app.ExecuteSqlAsync("update ledger.geo_versions set geom = ST_Translate(geom, 0.001, 0) where layer = 'redline' and stream_id = 'redline:410102-RL01'");
        (await ShouldName("geo_versions")).ShouldContain("geometry stored");
    }

    [Fact]
    public async Task a_forged_footprint_is_reported()
    {
        await app.ExecuteSqlAsRuntimeRoleAsync("""
            insert into ledger.geo_versions select seq, 'footprints', event_id, type, stream_id, region_code, version, effective_date,
              recorded_at, area_ha, geom from ledger.geo_versions where layer = 'redline' limit 1
            """);
        (await ShouldName("geo_versions")).ShouldContain("but a replay of that event gives no such row");
    }

    [Fact]
    public async Task the_runtime_role_cannot_rewrite_the_geometry()
    {
        await Should.ThrowAsync<Npgsql.PostgresException>(() => app.ExecuteSqlAsRuntimeRoleAsync("update ledger.geo_versions set area_ha = 1"));
        await Should.ThrowAsync<Npgsql.PostgresException>(() => app.ExecuteSqlAsRuntimeRoleAsync("delete from ledger.overlaps"));
    }

    private async Task<string> ShouldName(string table)
    {
        var result = await Verify();
        result.GetProperty("ok").GetBoolean().ShouldBeFalse(result.ToString());
        var problem = result.GetProperty("problems").EnumerateArray().First(p => p.GetProperty("table").GetString() == table);
        return problem.GetProperty("what").GetString()!;
    }

    private async Task<JsonElement> Verify()
    {
        var response = await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", _investigator);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
