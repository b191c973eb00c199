using System.Globalization;
using Ledger.Audit.Departure;

namespace Ledger.Audit.Reports;

/// <summary>Drawing primitives, in chart coordinates (origin top left). The HTML (SVG) and PDF (Skia) renderers draw the same list.</summary>
public abstract record Shape;
public sealed record LineShape(float X1, float Y1, float X2, float Y2, string Color, float Width) : Shape;
public sealed record RectShape(float X, float Y, float W, float H, string Color) : Shape;
public sealed record TextShape(float X, float Y, string Text, float Size, string Color, string Anchor) : Shape;
public sealed record DotShape(float X, float Y, float R, string Color) : Shape;
/// <summary>Rings filled even-odd (so holes stay open), in chart coordinates.</summary>
public sealed record PolygonShape(IReadOnlyList<IReadOnlyList<(float X, float Y)>> Rings, string Fill, string Stroke, float Opacity) : Shape;

/// <summary>Lays out the report's small charts: a stock across the tenure's year ends, and water quota against use per year.</summary>
public static class Chart
{
    public const float Width = 480, Height = 200;
    private const float Left = 64, Right = 12, Top = 14, Bottom = 34;
    public const string Ink = "#1f2937", Grid = "#d1d5db", Accent = "#1d4ed8", Warn = "#b91c1c", Muted = "#6b7280";

    /// <summary>
    /// An overlap's small map: the protection around the footprint, the footprint, and their shared
    /// area, in an equirectangular frame scaled by cos(latitude) (true shape at this size), north up,
    /// with a legend and the frame's width in metres.
    /// </summary>
    public static IReadOnlyList<Shape> OverlapMap(OverlapMap map)
    {
        var shapes = new List<Shape>();
        var all = map.ProtectedShape.Rings.Concat(map.FootprintShape.Rings).Concat(map.OverlapShape.Rings).SelectMany(r => r).ToList();
        if (all.Count == 0) return shapes;
        double minX = all.Min(c => c[0]), maxX = all.Max(c => c[0]), minY = all.Min(c => c[1]), maxY = all.Max(c => c[1]);
        var cos = Math.Cos((minY + maxY) / 2 * Math.PI / 180);
        const float frameW = Width - 16, frameH = Height - 34;
        var spanX = Math.Max((maxX - minX) * cos, 1e-9);
        var spanY = Math.Max(maxY - minY, 1e-9);
        var scale = Math.Min(frameW / spanX, frameH / spanY);
        var offX = 8 + (frameW - spanX * scale) / 2;
        var offY = 6 + (frameH - spanY * scale) / 2;
        IReadOnlyList<IReadOnlyList<(float, float)>> Project(Outline o) => o.Rings
            .Select(r => (IReadOnlyList<(float, float)>)r.Select(c => ((float)(offX + (c[0] - minX) * cos * scale), (float)(offY + (maxY - c[1]) * scale))).ToList())
            .ToList();
        var (protectFill, protectLine) = map.Layer == "redline" ? ("#fecaca", "#b91c1c") : ("#bbf7d0", "#15803d");
        shapes.Add(new RectShape(0, 0, Width, Height - 28, "#f8fafc"));
        shapes.Add(new PolygonShape(Project(map.ProtectedShape), protectFill, protectLine, 0.8f));
        shapes.Add(new PolygonShape(Project(map.FootprintShape), "#fed7aa", "#c2410c", 0.8f));
        shapes.Add(new PolygonShape(Project(map.OverlapShape), "#d946ef", "#86198f", 0.9f));
        float legend = Height - 10;
        shapes.Add(new RectShape(8, legend - 8, 8, 8, protectFill));
        shapes.Add(new TextShape(20, legend, map.Layer == "redline" ? "红线 red line" : "永久基本农田 permanent basic", 9, Muted, "start"));
        shapes.Add(new RectShape(170, legend - 8, 8, 8, "#fed7aa"));
        shapes.Add(new TextShape(182, legend, "占地 footprint", 9, Muted, "start"));
        shapes.Add(new RectShape(270, legend - 8, 8, 8, "#d946ef"));
        shapes.Add(new TextShape(282, legend, "叠加 overlap", 9, Muted, "start"));
        var widthMetres = frameW / scale * 111_320;
        shapes.Add(new TextShape(Width - 8, legend, $"宽 width ≈ {widthMetres.ToString("N0", CultureInfo.InvariantCulture)} m", 9, Muted, "end"));
        return shapes;
    }

    public static IReadOnlyList<Shape> Stock(IReadOnlyList<PointInTime> points)
    {
        var shapes = new List<Shape>();
        if (points.Count == 0) return shapes;
        var (min, max) = Range(points.Select(p => p.Value));
        Axes(shapes, min, max);
        var step = points.Count > 1 ? (Width - Left - Right) / (points.Count - 1) : 0;
        float X(int i) => Left + (points.Count > 1 ? i * step : (Width - Left - Right) / 2);
        for (var i = 0; i < points.Count; i++)
        {
            var y = Y(points[i].Value, min, max);
            if (i > 0) shapes.Add(new LineShape(X(i - 1), Y(points[i - 1].Value, min, max), X(i), y, Accent, 2));
            shapes.Add(new DotShape(X(i), y, 3, Accent));
            shapes.Add(new TextShape(X(i), Height - Bottom + 14, Label(points[i].Date, points.Count), 9, Muted, "middle"));
        }
        return shapes;
    }

    /// <summary>Year ends as the year; other dates in full, or to the month when many points share the axis.</summary>
    private static string Label(NodaTime.LocalDate d, int count) =>
        d.Month == 12 && d.Day == 31 ? d.Year.ToString(CultureInfo.InvariantCulture)
        : d.ToString(count > 6 ? "yyyy-MM" : "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static IReadOnlyList<Shape> Water(IReadOnlyList<WaterYearLine> years)
    {
        var shapes = new List<Shape>();
        if (years.Count == 0) return shapes;
        var (min, max) = Range(years.SelectMany(y => new[] { y.Quota, y.Use }).Append(0));
        Axes(shapes, min, max);
        var slot = (Width - Left - Right) / years.Count;
        var bar = Math.Min(18, slot / 3);
        for (var i = 0; i < years.Count; i++)
        {
            var x = Left + i * slot + slot / 2;
            var y = years[i];
            var zero = Y(0, min, max);
            shapes.Add(new RectShape(x - bar - 1, Y(y.Quota, min, max), bar, zero - Y(y.Quota, min, max), Grid));
            shapes.Add(new RectShape(x + 1, Y(y.Use, min, max), bar, zero - Y(y.Use, min, max), y.Overuse > 0 ? Warn : Accent));
            shapes.Add(new TextShape(x, Height - Bottom + 14, y.Year.ToString(CultureInfo.InvariantCulture), 9, Muted, "middle"));
        }
        shapes.Add(new RectShape(Left, Height - 12, 8, 8, Grid));
        shapes.Add(new TextShape(Left + 12, Height - 4, "指标 quota", 9, Ink, "start"));
        shapes.Add(new RectShape(Left + 90, Height - 12, 8, 8, Accent));
        shapes.Add(new TextShape(Left + 102, Height - 4, "用水 use", 9, Ink, "start"));
        shapes.Add(new RectShape(Left + 170, Height - 12, 8, 8, Warn));
        shapes.Add(new TextShape(Left + 182, Height - 4, "超用 overuse", 9, Ink, "start"));
        return shapes;
    }

    /// <summary>Horizontal bars, one per label (positive right in the accent colour, negative left in red); returns the chart's height.</summary>
    public static (IReadOnlyList<Shape> Shapes, float Height) Bars(IReadOnlyList<(string Label, decimal Value)> bars)
    {
        const float row = 20, labelWidth = 190, right = 70;
        var shapes = new List<Shape>();
        var height = Top + bars.Count * row + 8;
        var max = bars.Count == 0 ? 1 : Math.Max(bars.Max(b => Math.Abs(b.Value)), 0.0001m);
        var hasNegative = bars.Any(b => b.Value < 0);
        var span = Width - labelWidth - right;
        var zero = hasNegative ? labelWidth + span / 2 : labelWidth;
        var scale = (hasNegative ? span / 2 : span) / (float)max;
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value) = bars[i];
            var y = Top + i * row;
            var w = (float)Math.Abs(value) * scale;
            shapes.Add(new TextShape(labelWidth - 6, y + 13, label, 10, Ink, "end"));
            shapes.Add(new RectShape(value < 0 ? zero - w : zero, y + 3, Math.Max(w, 1), row - 7, value < 0 ? Warn : Accent));
            shapes.Add(new TextShape(value < 0 ? zero - w - 4 : zero + w + 4, y + 13, Measures.Number(value), 9, Muted, value < 0 ? "end" : "start"));
        }
        shapes.Add(new LineShape(zero, Top - 4, zero, height - 4, Ink, 1));
        return (shapes, height);
    }

    private static void Axes(List<Shape> shapes, decimal min, decimal max)
    {
        for (var i = 0; i <= 4; i++)
        {
            var v = min + (max - min) * i / 4;
            var y = Y(v, min, max);
            shapes.Add(new LineShape(Left, y, Width - Right, y, Grid, 0.5f));
            shapes.Add(new TextShape(Left - 6, y + 3, Measures.Number(decimal.Round(v, 2)), 9, Muted, "end"));
        }
        shapes.Add(new LineShape(Left, Top, Left, Height - Bottom, Ink, 1));
    }

    /// <summary>A value range with some headroom; a flat series gets a band around it so the line sits mid-chart.</summary>
    private static (decimal Min, decimal Max) Range(IEnumerable<decimal> values)
    {
        var list = values.ToList();
        decimal lo = list.Min(), hi = list.Max();
        if (hi == lo) return (lo - Math.Max(1, Math.Abs(lo) / 10), hi + Math.Max(1, Math.Abs(hi) / 10));
        var pad = (hi - lo) / 10;
        return (lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad);
    }

    private static float Y(decimal v, decimal min, decimal max) =>
        (float)(Top + (double)((max - v) / (max - min)) * (Height - Top - Bottom));
}
