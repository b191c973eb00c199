using System.Text.Json.Nodes;

namespace Ledger.Imports;

/// <summary>
/// One feature of an imported layer: its 1-based number in the file, its attributes (string,
/// number, boolean, date or null) and its geometry as contract GeoJSON, or why it has none usable.
/// <see cref="Bytes"/> is the geometry's size in the file, so batches can be bounded by bytes too.
/// </summary>
public sealed record ImportFeature(int Number, IReadOnlyDictionary<string, object?> Attributes, JsonNode? Geometry, string? GeometryProblem = null,
    long Bytes = 0);

/// <summary>An imported file opened for reading: its attribute names (to check the mapping against) and its features, in file order.</summary>
public interface IFeatureSource : IDisposable
{
    IReadOnlyList<string> AttributeNames { get; }

    /// <summary>How many features the file holds (for progress).</summary>
    int Count { get; }

    IEnumerable<ImportFeature> Features();
}

/// <summary>A file the import refuses as a whole (400 at upload): not what it says, unreadable, too large, or in another CRS.</summary>
public sealed class ImportFileException(string message) : Exception(message);
