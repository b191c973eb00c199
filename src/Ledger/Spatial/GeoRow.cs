using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NodaTime;

namespace Ledger.Spatial;

/// <summary>One row of <c>geo_versions</c>: a version of a boundary in a layer (null geometry: the stream leaves the layer), or a footprint.</summary>
public sealed record GeoRow(long Seq, string Layer, Guid EventId, string Type, string StreamId, string RegionCode, long Version,
    LocalDate EffectiveDate, Instant RecordedAt, decimal? AreaHa, MultiPolygon? Geometry)
{
    /// <summary>Little-endian WKB in hex, as PostGIS's <c>encode(ST_AsBinary(geom), 'hex')</c> gives it: how the check compares geometries exactly.</summary>
    public string? WkbHex => Geometry is null ? null : Convert.ToHexStringLower(new WKBWriter(ByteOrder.LittleEndian, false).Write(Geometry));
}

/// <summary>The map layers: boundaries in force per stream, and footprints (each its own feature).</summary>
public static class Layers
{
    public const string Farmland = "farmland";
    public const string PermanentBasic = "permanentBasic";
    public const string RedLine = "redline";
    public const string Mining = "mining";
    public const string Footprints = "footprints";
    public const string Overlaps = "overlaps";
    /// <summary>Parcels of every class but farmland (contract 1.8).</summary>
    public const string LandUse = "landuse";

    /// <summary>Layers whose boundaries protect land: what footprints and licences are intersected with.</summary>
    public static readonly string[] Protections = [RedLine, PermanentBasic];

    public static readonly string[] Map = [Farmland, PermanentBasic, RedLine, Mining, Footprints, Overlaps, LandUse];
}
