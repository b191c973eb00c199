namespace Ledger.Spatial;

/// <summary>One attribute of an exported layer: its column (the map property's own name), its GeoPackage type, and the Chinese alias and description written to <c>gpkg_data_columns</c>.</summary>
public sealed record GeoPackageColumn(string Name, string Type, string Alias, string Description, string? Constraint = null);

/// <summary>
/// The attributes of each exported layer: the map's properties (docs/map.md), one column each, in
/// the same names, so a GeoPackage, the GeoJSON and the OGC items read alike. The Chinese alias is
/// what QGIS and ArcGIS show as the field's alias.
/// </summary>
public static class GeoPackageColumns
{
    public const string OverlapKind = "overlap_kind";

    private static readonly GeoPackageColumn[] Common =
    [
        new("layer", "TEXT", "图层", "Map layer: farmland, permanentBasic, redline, mining, footprints or overlaps"),
        new("domain", "TEXT", "业务域", "Domain of the stream: farmland, redline or mining"),
        new("stream", "TEXT", "流键", "Stream key: parcel code (图斑编号), zone code or licence number"),
        new("version", "INTEGER", "版本", "The stream's version after the event that drew this geometry"),
        new("areaHa", "REAL", "面积（公顷）", "Area in hectares on the CGCS2000 ellipsoid, rounded to 0.0001 ha (overlaps: the overlap's area)"),
        new("eventId", "TEXT", "事件编号", "Id of the ledger event that recorded this geometry (overlaps: the footprint's)"),
        new("effectiveDate", "DATE", "生效日期", "Effective date of that event (valid time)"),
    ];

    private static readonly GeoPackageColumn[] FootprintOnly = [new("type", "TEXT", "事件类型", "Event type of the footprint, e.g. farmland.occupied")];

    private static readonly GeoPackageColumn[] OverlapOnly =
    [
        new("id", "TEXT", "叠加编号", "Id of the overlap, as in /overlaps and departure-audit findings"),
        new("kind", "TEXT", "叠加类型", "occupation (占用), licence (矿业权范围) or pre-existing (先于保护存在)", OverlapKind),
        new("protectedLayer", "TEXT", "被占图层", "Protection overlapped: redline or permanentBasic"),
        new("protectedStream", "TEXT", "被占流键", "Stream key of the protected zone or parcel"),
    ];

    /// <summary>The values of <see cref="OverlapKind"/>, with what each means.</summary>
    public static readonly (string Value, string Description)[] OverlapKinds =
    [
        ("occupation", "占用：占地或侵占发生在保护生效之后 (a footprint on or after the protection)"),
        ("licence", "矿业权范围与保护重叠 (a licensed area)"),
        ("pre-existing", "先于保护存在：保护划定在已有占地之上 (a protection drawn over an earlier footprint)"),
    ];

    public static IReadOnlyList<GeoPackageColumn> Of(string layer) => layer switch
    {
        Layers.Footprints => [.. Common, .. FootprintOnly],
        Layers.Overlaps => [.. Common, .. OverlapOnly],
        _ => Common,
    };

    /// <summary>The Chinese and English names of each layer, for <c>gpkg_contents</c>.</summary>
    public static (string Zh, string En) Title(string layer) => layer switch
    {
        Layers.Farmland => ("耕地图斑", "Farmland parcels"),
        Layers.PermanentBasic => ("永久基本农田", "Permanent basic farmland"),
        Layers.RedLine => ("生态保护红线", "Ecological red lines"),
        Layers.Mining => ("矿区范围", "Mining licences"),
        Layers.Footprints => ("占地与侵占", "Footprints"),
        Layers.Overlaps => ("叠加发现", "Overlaps found by the ledger"),
        _ => (layer, layer),
    };
}
