namespace Ledger.Api.Ogc;

/// <summary>
/// The two coordinate reference systems the OGC service speaks (Part 2). Geometry is stored in
/// CGCS2000 (EPSG:4490) longitude/latitude; CRS84 is WGS 84 longitude/latitude. The two datums
/// agree to a few centimetres, so coordinates are served unshifted in either (as GDAL/PROJ's own
/// 4490 → 4326 operation leaves them); only EPSG:4490's axis order differs: latitude first.
/// </summary>
public static class OgcCrs
{
    public const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    public const string Cgcs2000 = "http://www.opengis.net/def/crs/EPSG/0/4490";
    public const string Storage = Cgcs2000;

    public static readonly string[] Supported = [Crs84, Cgcs2000];

    public static bool LatitudeFirst(string crs) => crs == Cgcs2000;

    /// <summary>The <c>Content-Crs</c> header's value: the URI in angle brackets.</summary>
    public static string Header(string crs) => $"<{crs}>";
}
