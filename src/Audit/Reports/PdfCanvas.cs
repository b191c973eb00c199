using System.Text;
using SkiaSharp;

namespace Ledger.Audit.Reports;

/// <summary>
/// A small flowing-layout writer over Skia's PDF backend: wrapped text, tables that break across
/// pages, and charts. Text goes in as text blobs carrying their UTF-8 text and clusters, so the
/// PDF holds /ActualText and extracts as the characters drawn (plain glyph drawing made a few
/// CJK characters extract as look-alike radicals).
/// </summary>
public sealed class PdfCanvas : IDisposable
{
    public const float PageWidth = 595, PageHeight = 842, Margin = 46;
    public const float ContentWidth = PageWidth - 2 * Margin;
    private readonly SKDocument _document;
    private readonly SKTypeface _face;
    private readonly string _footer;
    private SKCanvas? _page;
    private int _pages;
    private float _y;

    public PdfCanvas(Stream output, SKDocumentPdfMetadata metadata, string footer)
    {
        _face = CjkFont.Typeface;
        _document = SKDocument.CreatePdf(output, metadata);
        _footer = footer;
        NewPage();
    }

    public void Text(string text, float size, string color = Chart.Ink, float indent = 0, float after = 4)
    {
        using var font = Font(size);
        foreach (var line in Wrap(text, font, ContentWidth - indent))
        {
            Need(size * 1.45f);
            DrawLine(line, Margin + indent, _y + size, font, color);
            _y += size * 1.45f;
        }
        _y += after;
    }

    public void Gap(float height) => _y += height;

    /// <summary>Rows wrap within their cells; a table breaks across pages and repeats its header.</summary>
    public void Table(float[] widths, string[] header, IEnumerable<string[]> rows, float size = 8.5f)
    {
        var scale = ContentWidth / widths.Sum();
        var w = widths.Select(x => x * scale).ToArray();
        using var font = Font(size);
        Row(header, true);
        foreach (var row in rows) Row(row, false);
        _y += 6;

        void Row(string[] cells, bool isHeader)
        {
            var lines = cells.Select((c, i) => Wrap(c, font, w[i] - 6)).ToList();
            var height = lines.Max(l => Math.Max(1, l.Count)) * size * 1.35f + 5;
            if (Need(height) && !isHeader) Row(header, true);
            var x = Margin;
            for (var i = 0; i < cells.Length; i++)
            {
                using var fill = new SKPaint { Color = SKColor.Parse(isHeader ? "#eef2ff" : "#ffffff") };
                using var stroke = new SKPaint { Color = SKColor.Parse("#9ca3af"), Style = SKPaintStyle.Stroke, StrokeWidth = 0.5f };
                _page!.DrawRect(x, _y, w[i], height, fill);
                _page.DrawRect(x, _y, w[i], height, stroke);
                for (var l = 0; l < lines[i].Count; l++)
                    DrawLine(lines[i][l], x + 3, _y + 3 + size * (1.35f * l + 1), font, Chart.Ink);
                x += w[i];
            }
            _y += height;
        }
    }

    public void Figure(IReadOnlyList<Shape> shapes, string caption)
    {
        var scale = Math.Min(1, ContentWidth / Chart.Width);
        Need(Chart.Height * scale + 20);
        var left = Margin;
        var top = _y;
        foreach (var shape in shapes)
        {
            switch (shape)
            {
                case LineShape l:
                    using (var p = Stroke(l.Color, l.Width)) _page!.DrawLine(left + l.X1 * scale, top + l.Y1 * scale, left + l.X2 * scale, top + l.Y2 * scale, p);
                    break;
                case RectShape r:
                    using (var p = new SKPaint { Color = SKColor.Parse(r.Color) })
                        _page!.DrawRect(left + r.X * scale, top + r.Y * scale, r.W * scale, Math.Max(0, r.H) * scale, p);
                    break;
                case DotShape d:
                    using (var p = new SKPaint { Color = SKColor.Parse(d.Color), IsAntialias = true })
                        _page!.DrawCircle(left + d.X * scale, top + d.Y * scale, d.R * scale, p);
                    break;
                case PolygonShape g:
                    using (var builder = new SKPathBuilder())
                    {
                        foreach (var ring in g.Rings.Where(r => r.Count > 2))
                        {
                            builder.MoveTo(left + ring[0].X * scale, top + ring[0].Y * scale);
                            foreach (var (x, y) in ring.Skip(1)) builder.LineTo(left + x * scale, top + y * scale);
                            builder.Close();
                        }
                        using var path = builder.Detach();
                        path.FillType = SKPathFillType.EvenOdd;
                        using (var fill = new SKPaint { Color = SKColor.Parse(g.Fill).WithAlpha((byte)(255 * g.Opacity)), IsAntialias = true })
                            _page!.DrawPath(path, fill);
                        using (var p = Stroke(g.Stroke, 0.8f)) _page!.DrawPath(path, p);
                    }
                    break;
                case TextShape t:
                    using (var f = Font(t.Size * scale))
                    {
                        var width = f.MeasureText(t.Text);
                        var x = t.Anchor switch { "middle" => t.X * scale - width / 2, "end" => t.X * scale - width, _ => t.X * scale };
                        DrawLine(t.Text, left + x, top + t.Y * scale, f, t.Color);
                    }
                    break;
            }
        }
        _y += Chart.Height * scale + 2;
        Text(caption, 8.5f, Chart.Muted, after: 8);
    }

    /// <summary>Starts a new page when <paramref name="height"/> does not fit; true if it did.</summary>
    public bool Need(float height)
    {
        if (_y + height <= PageHeight - Margin) return false;
        NewPage();
        return true;
    }

    private void NewPage()
    {
        if (_page is not null) _document.EndPage();
        _page = _document.BeginPage(PageWidth, PageHeight);
        _pages++;
        using var font = Font(7.5f);
        DrawLine($"{_footer} · 第 {_pages} 页 page {_pages}", Margin, PageHeight - Margin / 2, font, Chart.Muted);
        _y = Margin;
    }

    private SKFont Font(float size) => new(_face, size) { Subpixel = true };

    private static SKPaint Stroke(string color, float width) =>
        new() { Color = SKColor.Parse(color), Style = SKPaintStyle.Stroke, StrokeWidth = width, IsAntialias = true };

    private void DrawLine(string text, float x, float baseline, SKFont font, string color)
    {
        if (text.Length == 0) return;
        var glyphs = font.GetGlyphs(text);
        var widths = font.GetGlyphWidths(glyphs);
        var utf8 = Encoding.UTF8.GetBytes(text);
        var positions = new SKPoint[glyphs.Length];
        var clusters = new uint[glyphs.Length];
        float advance = 0;
        int g = 0, offset = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (g >= glyphs.Length) break;
            positions[g] = new SKPoint(advance, 0);
            clusters[g] = (uint)offset;
            advance += widths[g];
            offset += rune.Utf8SequenceLength;
            g++;
        }
        using var builder = new SKTextBlobBuilder();
        var run = builder.AllocatePositionedTextRun(font, glyphs.Length, utf8.Length, null);
        run.SetGlyphs(glyphs);
        run.SetPositions(positions);
        run.SetText(utf8);
        run.SetClusters(clusters);
        using var blob = builder.Build();
        using var paint = new SKPaint { Color = SKColor.Parse(color), IsAntialias = true };
        if (blob is not null) _page!.DrawText(blob, x, baseline, paint);
    }

    /// <summary>Greedy wrapping by measured width: Chinese breaks anywhere, Latin text at spaces when it can.</summary>
    private static List<string> Wrap(string text, SKFont font, float width)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            var line = new StringBuilder();
            foreach (var rune in paragraph.EnumerateRunes())
            {
                line.Append(rune.ToString());
                if (font.MeasureText(line.ToString()) <= width) continue;
                var s = line.ToString();
                var space = s.LastIndexOf(' ');
                var cut = space > s.Length / 2 ? space + 1 : s.Length - rune.Utf16SequenceLength;
                if (cut <= 0) cut = s.Length;
                lines.Add(s[..cut].TrimEnd());
                line.Clear().Append(s[cut..]);
            }
            lines.Add(line.ToString());
        }
        return lines;
    }

    public void Dispose()
    {
        if (_page is not null) _document.EndPage();
        _document.Close();
        _document.Dispose();
    }
}
