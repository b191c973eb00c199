using Ledger.Spatial;
using NetTopologySuite.Geometries;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>
/// The ledger's areas against the closed-form trapezoid of 国土调查办发〔2008〕32号 (椭球面积
/// 计算公式), written out here independently: a lon/lat box on the ellipsoid is exactly such a trapezoid.
/// </summary>
public sealed class EllipsoidAreaTests
{
    /// <summary>S = 2b²ΔL [A sin(ΔB/2) cos Bm − B sin(3ΔB/2) cos 3Bm + C sin(5ΔB/2) cos 5Bm − D sin(7ΔB/2) cos 7Bm + E sin(9ΔB/2) cos 9Bm].</summary>
    private static double Trapezoid(double lon1, double lat1, double lon2, double lat2)
    {
        const double a = 6378137.0, f = 1 / 298.257222101;
        var e2 = 2 * f - f * f;
        var (e4, e6, e8) = (e2 * e2, e2 * e2 * e2, e2 * e2 * e2 * e2);
        var b = a * (1 - f);
        var cA = 1 + e2 / 2 + 3 * e4 / 8 + 5 * e6 / 16 + 35 * e8 / 128;
        var cB = e2 / 6 + 3 * e4 / 16 + 3 * e6 / 16 + 35 * e8 / 192;
        var cC = 3 * e4 / 80 + e6 / 16 + 5 * e8 / 64;
        var cD = e6 / 112 + 5 * e8 / 256;
        var cE = 5 * e8 / 2304;
        double R(double d) => d * Math.PI / 180;
        var (dB, bm, dL) = (R(lat2 - lat1), R((lat1 + lat2) / 2), R(lon2 - lon1));
        return 2 * b * b * dL * (cA * Math.Sin(dB / 2) * Math.Cos(bm) - cB * Math.Sin(3 * dB / 2) * Math.Cos(3 * bm)
            + cC * Math.Sin(5 * dB / 2) * Math.Cos(5 * bm) - cD * Math.Sin(7 * dB / 2) * Math.Cos(7 * bm) + cE * Math.Sin(9 * dB / 2) * Math.Cos(9 * bm));
    }

    private static MultiPolygon Box(double lon, double lat, double dLon, double dLat, bool clockwise = false)
    {
        Coordinate[] ring = [new(lon, lat), new(lon + dLon, lat), new(lon + dLon, lat + dLat), new(lon, lat + dLat), new(lon, lat)];
        if (clockwise) Array.Reverse(ring);
        return GeoJsonReader.Factory.CreateMultiPolygon([GeoJsonReader.Factory.CreatePolygon(ring)]);
    }

    [Theory]
    [InlineData(113.6, 34.7, 0.01, 0.01)]   // about 0.9 × 1.1 km, Henan
    [InlineData(126.5, 45.7, 0.013, 0.009)] // Heilongjiang
    [InlineData(109.5, 18.3, 0.01, 0.01)]   // Hainan
    [InlineData(87.6, 43.8, 0.002, 0.002)]  // about 160 × 220 m, Xinjiang
    [InlineData(100.0, 30.0, 1.0, 1.0)]     // a whole degree: no longer small
    public void a_box_has_the_area_of_the_official_trapezoid_formula(double lon, double lat, double dLon, double dLat)
    {
        var reference = Trapezoid(lon, lat, lon + dLon, lat + dLat);
        var ours = EllipsoidArea.SquareMetres(Box(lon, lat, dLon, dLat));
        Math.Abs(ours - reference).ShouldBeLessThan(reference * 0.0001);
        // The formula and the strip integral agree far more closely than the 0.01 % asked for.
        Math.Abs(ours - reference).ShouldBeLessThan(reference * 1e-9 + 1e-3);
    }

    [Fact]
    public void orientation_does_not_matter_and_holes_are_taken_out()
    {
        var ccw = EllipsoidArea.SquareMetres(Box(113.6, 34.7, 0.01, 0.01));
        EllipsoidArea.SquareMetres(Box(113.6, 34.7, 0.01, 0.01, clockwise: true)).ShouldBe(ccw, ccw * 1e-12);

        var f = GeoJsonReader.Factory;
        var shell = (LinearRing)((Polygon)Box(113.6, 34.7, 0.01, 0.01).GetGeometryN(0)).ExteriorRing;
        var hole = (LinearRing)((Polygon)Box(113.602, 34.702, 0.002, 0.002, clockwise: true).GetGeometryN(0)).ExteriorRing;
        var withHole = f.CreateMultiPolygon([f.CreatePolygon(shell, [hole])]);
        var expected = Trapezoid(113.6, 34.7, 113.61, 34.71) - Trapezoid(113.602, 34.702, 113.604, 34.704);
        EllipsoidArea.SquareMetres(withHole).ShouldBe(expected, expected * 1e-9);
    }

    [Fact]
    public void a_sloping_edge_is_integrated_not_averaged()
    {
        // A triangle with a long sloping edge: half the box plus or minus the curvature of the latitude term along it.
        var f = GeoJsonReader.Factory;
        var triangle = f.CreateMultiPolygon([f.CreatePolygon([new(100, 30), new(101, 30), new(101, 31), new(100, 30)])]);
        var box = Trapezoid(100, 30, 101, 31);
        var ours = EllipsoidArea.SquareMetres(triangle);
        ours.ShouldBeInRange(box * 0.49, box * 0.51);
        ours.ShouldNotBe(box / 2);
    }
}
