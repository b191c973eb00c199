using System.Net;
using System.Text.Json;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Hostile;

[Collection(LedgerCollection.Name)]
public sealed class GeometryHostileTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000");
        (await app.PostEventsAsync(_writer, CountyWithOneOfEach())).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task every_hostile_geometry_is_a_problem_naming_its_field_and_stores_nothing()
    {
        var cases = GeometryHostileCorpus.Cases().ToList();
        cases.Count.ShouldBeGreaterThanOrEqualTo(50);
        var before = await CountsAsync();
        var failures = new List<string>();
        foreach (var (name, e, field) in cases)
        {
            var response = await app.PostEventsAsync(_writer, e);
            var text = await response.Content.ReadAsStringAsync();
            if ((int)response.StatusCode is not (400 or 422) || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{name}: {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
                continue;
            }
            var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors").EnumerateArray().ToList();
            if (!errors.Any(x => x.GetProperty("field").GetString() == field && x.GetProperty("message").GetString() is { Length: > 5 }))
                failures.Add($"{name}: no problem names {field}: {text[..Math.Min(300, text.Length)]}");
        }
        failures.ShouldBeEmpty();
        (await CountsAsync()).ShouldBe(before);
    }

    private async Task<string> CountsAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("""
            select (select count(*) from ledger.mt_events) || '/' || (select count(*) from ledger.geo_versions) || '/' ||
                   (select count(*) from ledger.geo_parts) || '/' || (select count(*) from ledger.overlaps) || '/' || (select count(*) from ledger.flows)
            """, conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
