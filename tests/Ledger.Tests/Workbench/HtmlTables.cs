using System.Net;
using System.Text.RegularExpressions;
using Shouldly;

namespace Ledger.Tests.Workbench;

/// <summary>Reads the workbench's own (well-formed, server-written) tables back as text, cell by cell, so tests compare figures, not markup.</summary>
public static partial class HtmlTables
{
    /// <summary>The rows of the table whose caption starts with <paramref name="caption"/>: each cell's text, tags stripped.</summary>
    public static List<string[]> Rows(string html, string caption)
    {
        var table = Table(html, caption);
        return [.. Row().Matches(table).Select(r => Cell().Matches(r.Groups[1].Value).Select(c => Text(c.Groups[1].Value)).ToArray())];
    }

    /// <summary>The table's markup from its caption to its end.</summary>
    public static string Table(string html, string caption)
    {
        var start = html.IndexOf($"<caption>{WebUtility.HtmlEncode(caption)}", StringComparison.Ordinal);
        start.ShouldBeGreaterThan(-1, $"no table captioned '{caption}'");
        return html[start..html.IndexOf("</table>", start, StringComparison.Ordinal)];
    }

    public static string Text(string markup) => Space().Replace(WebUtility.HtmlDecode(Tag().Replace(markup, " ")), " ").Trim();

    [GeneratedRegex("<tr>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex("<t[hd][^>]*>(.*?)</t[hd]>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
