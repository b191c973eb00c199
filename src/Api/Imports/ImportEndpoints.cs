using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Http;
using Ledger.Imports;
using Ledger.Ingest;
using Marten;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;
using Wolverine.Marten;

namespace Ledger.Api.Imports;

/// <summary>The durable job that runs one import (a local Wolverine queue persisted in PostgreSQL: it survives a restart).</summary>
public sealed record RunImport(Guid ImportId);

public static class RunImportHandler
{
    public static Task Handle(RunImport message, ImportRunner runner, CancellationToken ct) => runner.RunAsync(message.ImportId, ct);
}

/// <summary>
/// <c>POST /api/v1/imports</c> (contract 1.1): a layer file with its layer, effective date and
/// optional mapping. Everything that can be judged before the job runs is judged here, with a
/// 400 and nothing stored: the form, the file's kind and CRS, and whether every mapped attribute
/// exists in the layer. The upload and its job are then stored in one transaction (the Marten
/// outbox), so an acknowledged import is never lost.
/// </summary>
public static class ImportEndpoints
{
    public const string Queue = "imports";
    private const int MaxFieldBytes = 64 * 1024;
    private static readonly string[] FormFields = ["file", "layer", "effectiveDate", "mapping"];

    /// <summary>Upload limit in bytes: <c>LEDGER_IMPORT_MAX_MB</c> (default 256).</summary>
    public static long MaxUploadBytes(IConfiguration config) =>
        Ledger.Storage.OperatorSettings.ImportMaxMb.Long(n => config[n]) * 1024 * 1024;

    [WolverinePost("/api/v1/imports")]
    public static async Task<IResult> Post(HttpContext http, IDocumentStore store, IMartenOutbox outbox, IConfiguration config, IClock clock,
        ScratchSpace scratch, CancellationToken ct)
    {
        if (http.Require(Role.Writer) is { } denied) return denied;
        var limit = MaxUploadBytes(config);
        if (http.Request.ContentLength > limit) return TooLarge(http, limit);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + MaxFieldBytes * 4;
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
            return Problems.Of(http, 415, "Unsupported media type", "send multipart/form-data with the fields file, layer, effectiveDate and (optionally) mapping");

        using var lease = scratch.TryEnter();
        if (lease is null) return Busy(http, "the server is receiving as many uploads as it takes at once (LEDGER_UPLOADS_IN_FLIGHT)");
        var work = Storage.ScratchFolders.Create("upload");
        try
        {
            var (form, problem) = await ReadFormAsync(http, boundary, Path.Combine(work, "upload"), limit, lease, ct);
            if (problem is not null) return problem;
            var errors = new List<ItemError>();
            if (form.FileName is null) errors.Add(new ItemError("file", "is required: the layer file (.gpkg, a .zip of a Shapefile or FileGDB, or .geojson)"));
            var layer = form.Fields.GetValueOrDefault("layer");
            if (layer is null) errors.Add(new ItemError("layer", $"is required: one of {string.Join(", ", ImportMapping.Layers)}"));
            var dateText = form.Fields.GetValueOrDefault("effectiveDate");
            var date = dateText is null ? null : LocalDatePattern.Iso.Parse(dateText) is { Success: true } d ? d.Value : (LocalDate?)null;
            if (date is null) errors.Add(new ItemError("effectiveDate", dateText is null ? "is required (YYYY-MM-DD)" : $"'{BatchParser.Clip(dateText)}' is not a date (YYYY-MM-DD)"));
            var mappingText = form.Fields.GetValueOrDefault("mapping");
            var (mapping, mappingErrors) = layer is null ? (null, []) : ImportMapping.Parse(layer, mappingText);
            errors.AddRange(mappingErrors);
            if (errors.Count > 0) return Problems.Validation(http, errors);

            int total;
            try
            {
                using var source = ImportFiles.Open(Path.Combine(work, "upload"), form.FileName!, work, lease, ct);
                total = source.Count;
                var missing = mapping!.Attributes.Where(a => !source.AttributeNames.Contains(a.Attribute))
                    .Select(a => new ItemError($"mapping.{a.Target}", $"names attribute {a.Attribute}, which the layer does not have; its attributes are " +
                                                                      BatchParser.Clip(string.Join(", ", source.AttributeNames), 300)))
                    .ToList();
                if (missing.Count > 0) return Problems.Validation(http, missing);
            }
            catch (ImportFileException e)
            {
                return Problems.Validation(http, [new ItemError("file", $"{BatchParser.Clip(form.FileName!, 80)} {e.Message}")]);
            }

            var client = http.Client();
            var job = new ImportJob(Guid.NewGuid(), client.Name, client.Scope, layer!, date!.Value, mappingText, BatchParser.Clip(form.FileName!, 200), form.FileBytes,
                Storage.StoredInstant.Truncate(clock.GetCurrentInstant()), total);
            var file = await File.ReadAllBytesAsync(Path.Combine(work, "upload"), ct);
            await using (var session = store.LightweightSession())
            {
                outbox.Enroll(session);
                var (sql, args) = ImportStore.InsertSql(job, file);
                session.QueueSqlCommand(sql, args);
                await outbox.PublishAsync(new RunImport(job.Id));
                await session.SaveChangesAsync(ct);
            }
            http.Response.Headers.Location = $"/api/v1/imports/{job.Id}";
            return Results.Json(new { importId = job.Id, status = "queued", links = new { self = $"/api/v1/imports/{job.Id}" } }, LedgerJson.Options,
                statusCode: 202);
        }
        catch (ScratchFullException e)
        {
            return Busy(http, e.Message);
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
    }

    /// <summary>The import's status; with <c>waitSeconds</c> (1–60) an unfinished import's answer waits for its next progress row, at most that long.</summary>
    [WolverineGet("/api/v1/imports/{id}")]
    public static async Task<IResult> Get(HttpContext http, string id, ImportStore imports, ImportSignal signal, CancellationToken ct)
    {
        var client = http.Client();
        if (!client.Has(Role.Writer) && !client.Has(Role.Auditor))
            return Problems.Forbidden(http, $"client '{client.Name}' has role {ApiClient.RoleName(client.Role)}; imports are read by writers, auditors and investigators");
        var q = new QueryParameters(http);
        var wait = q.Integer("waitSeconds", 0, 60) ?? 0;
        var from = q.Integer("rejectedFrom", 0, ImportStore.MaxKeptRejections) ?? 0;
        var limit = q.Integer("rejectedLimit", 0, ImportStore.MaxKeptRejections) ?? DefaultRejectedLimit;
        var (job, problem) = await FindAsync(http, id, q, imports, ct);
        if (problem is not null) return problem;
        var changed = signal.NextChange(job!.Id);
        var s = await imports.StatusAsync(job, from, limit, ct);
        if (wait > 0 && !ImportStore.Terminal.Contains(s.Status))
        {
            try { await changed.WaitAsync(TimeSpan.FromSeconds(wait), ct); }
            catch (TimeoutException) { }
            s = await imports.StatusAsync(job, from, limit, ct);
        }
        return Status(s);
    }

    /// <summary>
    /// Cancels an import that has not ended: by the writer who uploaded it, or an admin whose scope
    /// holds it. What it appended stays (events are never taken back); the job stops at once on
    /// the node running it, or at its next batch on another.
    /// </summary>
    [WolverineDelete("/api/v1/imports/{id}")]
    public static async Task<IResult> Cancel(HttpContext http, string id, ImportStore imports, ImportCancellations running, IClock clock,
        CancellationToken ct)
    {
        var client = http.Client();
        if (!client.Has(Role.Writer) && !client.Has(Role.Admin))
            return Problems.Forbidden(http, $"client '{client.Name}' has role {ApiClient.RoleName(client.Role)}; imports are cancelled by their writer or an admin");
        var (found, problem) = await FindAsync(http, id, new QueryParameters(http), imports, ct);
        if (problem is not null) return problem;
        var job = found!;
        if (client.Has(Role.Writer) && job.Client != client.Name)
            return Problems.Forbidden(http, $"import {job.Id} was uploaded by another client; only its writer or an admin may cancel it");
        var s = await imports.StatusAsync(job, 0, 0, ct);
        var counts = s.Counts;
        if (ImportStore.Terminal.Contains(s.Status)
            || !await imports.AppendProgressAsync(job.Id, counts, "cancelled", [], $"cancelled by {client.Name}; what was appended before stays",
                clock.GetCurrentInstant(), ct))
            return Problems.Of(http, 409, "The import has ended", $"import {job.Id} is {(await imports.StatusAsync(job, 0, 0, ct)).Status}; only an unfinished import can be cancelled");
        running.Cancel(job.Id);
        return Status(await imports.StatusAsync(job, 0, DefaultRejectedLimit, ct));
    }

    private const int DefaultRejectedLimit = 100;

    /// <summary>The import named by <paramref name="id"/>, if the caller may see it.</summary>
    private static async Task<(ImportJob? Job, IResult? Problem)> FindAsync(HttpContext http, string id, QueryParameters q, ImportStore imports, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var importId)) q.Errors.Add(new ItemError("id", $"'{BatchParser.Clip(id)}' is not an import id (a UUID)"));
        if (q.Errors.Count > 0) return (null, Problems.Validation(http, q.Errors));
        var job = await imports.JobAsync(importId, ct);
        // An import outside the caller's scope is answered like a missing one: ids are not to be probed.
        return job is null || !Regions.RegionCodes.Contains(http.Client().Scope, job.Scope)
            ? (null, Problems.NotFound(http, $"no import {importId} in the client's scope"))
            : (job, null);
    }

    private static IResult Status(ImportStatus s) =>
        Results.Json(new
        {
            importId = s.ImportId, status = s.Status, layer = s.Layer, fileName = s.FileName, featuresTotal = s.FeaturesTotal, featuresRead = s.FeaturesRead,
            appended = s.Appended,
            duplicates = s.Duplicates, skipped = s.Skipped, rejectedCount = s.RejectedCount,
            classes = s.Classes ?? new Dictionary<string, int>(),
            rejected = s.Rejected.Select(r => new { feature = r.Feature, reasons = r.Reasons }), message = s.Message,
            createdAt = s.CreatedAt, updatedAt = s.UpdatedAt,
        }, LedgerJson.Options);

    private sealed record Form(Dictionary<string, string> Fields, string? FileName, long FileBytes);

    /// <summary>Streams the parts: the file to <paramref name="path"/> (counted against the limit), small text fields into memory.</summary>
    private static async Task<(Form Form, IResult? Problem)> ReadFormAsync(HttpContext http, string boundary, string path, long limit,
        ScratchSpace.Lease lease, CancellationToken ct)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        string? fileName = null;
        long fileBytes = 0;
        var reader = new MultipartReader(boundary, http.Request.Body) { HeadersLengthLimit = 16 * 1024 };
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                    return (null!, Problems.Validation(http, [new ItemError("$", "every part needs Content-Disposition: form-data with a name")]));
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!FormFields.Contains(name))
                    return (null!, Problems.Validation(http, [new ItemError(BatchParser.Clip(name), $"is not a field of an import; the fields are {string.Join(", ", FormFields)}")]));
                if (name == "file" ? fileName is not null : fields.ContainsKey(name))
                    return (null!, Problems.Validation(http, [new ItemError(name, "is given twice")]));
                if (name == "file")
                {
                    fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value is { Length: > 0 } f
                        ? Path.GetFileName(f) : "upload";
                    await using var target = File.Create(path);
                    var buffer = new byte[81920];
                    int n;
                    while ((n = await section.Body.ReadAsync(buffer, ct)) > 0)
                    {
                        fileBytes += n;
                        if (fileBytes > limit) return (null!, TooLarge(http, limit));
                        lease.Grow(n);
                        await target.WriteAsync(buffer.AsMemory(0, n), ct);
                    }
                    if (fileBytes == 0) return (null!, Problems.Validation(http, [new ItemError("file", "is empty")]));
                }
                else
                {
                    using var text = new MemoryStream();
                    var buffer = new byte[8192];
                    int n;
                    while ((n = await section.Body.ReadAsync(buffer, ct)) > 0)
                    {
                        if (text.Length + n > MaxFieldBytes) return (null!, Problems.Validation(http, [new ItemError(name, $"is longer than {MaxFieldBytes / 1024} KiB")]));
                        text.Write(buffer, 0, n);
                    }
                    fields[name] = System.Text.Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length).Trim();
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return (null!, e is Microsoft.AspNetCore.Http.BadHttpRequestException { StatusCode: 413 }
                ? TooLarge(http, limit)
                : Problems.Of(http, 400, "The upload is not valid multipart/form-data", BatchParser.Clip(e.Message, 200)));
        }
        return (new Form(fields, fileName, fileBytes), null);
    }

    /// <summary>503 with Retry-After: nothing was stored, the same upload later will do.</summary>
    private static IResult Busy(HttpContext http, string why)
    {
        http.Response.Headers.RetryAfter = "30";
        return Problems.Of(http, 503, "The server cannot take this upload now", $"{why}; nothing was stored, send it again later");
    }

    private static IResult TooLarge(HttpContext http, long limit) =>
        Problems.Of(http, 413, "Upload too large", $"an import file may be at most {limit / (1024 * 1024):N0} MiB (LEDGER_IMPORT_MAX_MB); split the layer");
}
