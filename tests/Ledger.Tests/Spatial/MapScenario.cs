using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Shouldly;
using Ledger.Tests.Support;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Spatial;

/// <summary>
/// A county with geometry (cells of 1/100°): red-line zone RL01 over cells 0–4 × 0–4; licence M1
/// over 3–6 × 3–6 (one cell inside RL01) with a mine footprint inside RL01; licence M2 touching
/// RL01's east edge only; permanent basic parcel P1 over 10–12 × 0–2 with an occupied footprint
/// in it; and, recorded later, zone RL02 over 10–11 × 0–1, drawn over that earlier footprint.
/// </summary>
public static class MapScenario
{
    public const string ZoneKey = "410102-RL01", LaterZoneKey = "410102-RL02", MineKey = "C410102-M1", TouchingMineKey = "C410102-M2";
    public const string ParcelKey = "410102-P1";

    public static JsonObject[] First() =>
    [
        .. RegionTree(),
        Zone(ZoneKey).Drawn(Geo.Cell(0, 0, 4, 4)),
        Mine(MineKey).Drawn(Geo.Cell(3, 3, 3, 3), "permittedAreaHa"),
        Mine(TouchingMineKey).Drawn(Geo.Cell(4, 0, 1, 1), "permittedAreaHa"),
        Make("mining.land-occupied", MineKey, County, new JsonObject { ["priorUse"] = "forest" }, "2022-03-01").Drawn(Geo.Cell(3.2, 3.2, 0.5, 0.5)),
        Parcel(ParcelKey, permanentBasic: true).Drawn(Geo.Cell(10, 0, 2, 2)),
        Make("farmland.occupied", ParcelKey, County, new JsonObject { ["purpose"] = "construction", ["legal"] = false }, "2022-06-01")
            .Drawn(Geo.Cell(10.5, 0.5, 0.5, 0.5)),
    ];

    public static JsonObject LaterZone() => Make("redline.zone-designated", LaterZoneKey, County,
        new JsonObject { ["function"] = "water-conservation", ["approvalRef"] = "批3" }, "2023-01-01").Drawn(Geo.Cell(10, 0, 1, 1));

    /// <summary>Resets the ledger and posts the scenario: the first batch, then an hour later zone RL02. Returns when RL02 was recorded.</summary>
    public static async Task<Instant> LoadAsync(LedgerApp app)
    {
        await app.ResetAsync();
        var writer = await app.KeyAsync("writer", "410000");
        var first = await app.PostEventsAsync(writer, First());
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        app.Clock.Advance(Duration.FromHours(1));
        var later = await app.PostEventsAsync(writer, LaterZone());
        later.StatusCode.ShouldBe(HttpStatusCode.OK, await later.Content.ReadAsStringAsync());
        var recorded = (await later.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0].GetProperty("recordedAt").GetString()!;
        return InstantPattern.ExtendedIso.Parse(recorded).Value;
    }
}
