using NetTopologySuite.Geometries;

namespace Ledger.Spatial;

/// <summary>
/// Areas on the CGCS2000 ellipsoid, with edges drawn straight in longitude/latitude — the same
/// reading of a boundary as the 椭球面积 method of 国土调查办发〔2008〕32号, which sums the
/// ellipsoidal trapezoids between each edge and a meridian. Here the trapezoid integral is
/// exact: the area between latitude 0 and B on a unit of longitude has a closed form
/// (<see cref="Strip"/>), and along an edge B varies linearly with L, so each edge contributes
/// ∫ Strip(B(L)) dL, integrated by Gauss–Legendre quadrature (5 points: exact far beyond a
/// millimetre² for any edge shorter than a degree).
/// </summary>
public static class EllipsoidArea
{
    /// <summary>CGCS2000: a = 6 378 137 m, 1/f = 298.257222101 (GRS 80's ellipsoid).</summary>
    public const double A = 6_378_137.0;
    public const double InverseFlattening = 298.257222101;
    public static readonly double E2 = (2 - 1 / InverseFlattening) / InverseFlattening;
    public static readonly double B2 = A * A * (1 - E2);
    private static readonly double E = Math.Sqrt(E2);

    private static readonly (double X, double W)[] Gauss =
    [
        (0.0, 128.0 / 225.0),
        (-0.5384693101056831, 0.4786286704993665), (0.5384693101056831, 0.4786286704993665),
        (-0.9061798459386640, 0.2369268850561891), (0.9061798459386640, 0.2369268850561891),
    ];

    public static double SquareMetres(MultiPolygon multi)
    {
        var total = 0.0;
        foreach (var polygon in multi.Geometries.Cast<Polygon>())
        {
            total += Math.Abs(Ring(polygon.ExteriorRing.Coordinates));
            foreach (var hole in polygon.InteriorRings) total -= Math.Abs(Ring(hole.Coordinates));
        }
        return total;
    }

    public static decimal Hectares(MultiPolygon multi) => Math.Round((decimal)(SquareMetres(multi) / 10_000.0), 4);

    /// <summary>The signed area enclosed by a closed ring (degrees in, m² out).</summary>
    public static double Ring(Coordinate[] ring)
    {
        // Strips are measured from the ring's first latitude: the terms stay small, so no precision is lost to cancellation.
        var origin = Strip(Radians(ring[0].Y));
        var sum = 0.0;
        for (var i = 0; i + 1 < ring.Length; i++)
        {
            var (l1, b1, l2, b2) = (Radians(ring[i].X), Radians(ring[i].Y), Radians(ring[i + 1].X), Radians(ring[i + 1].Y));
            if (l1 == l2) continue;
            var mid = (b1 + b2) / 2;
            var half = (b2 - b1) / 2;
            var integral = Gauss.Sum(g => g.W * (Strip(mid + half * g.X) - origin)) / 2;
            sum += (l2 - l1) * integral;
        }
        return sum;
    }

    /// <summary>∫₀ᴮ M·N·cos φ dφ: the area between the equator and latitude B per radian of longitude.</summary>
    public static double Strip(double b)
    {
        var s = Math.Sin(b);
        return B2 / 2 * (s / (1 - E2 * s * s) + Math.Log((1 + E * s) / (1 - E * s)) / (2 * E));
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180.0;
}
