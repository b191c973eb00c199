using JasperFx.CodeGeneration;
using Ledger.Api.Access;
using Ledger.Api.Demo;
using Ledger.Api.Http;
using Ledger.Api.OpenApi;
using Ledger.Ingest;
using Ledger.Storage;
using Marten;
using NodaTime;
using Scalar.AspNetCore;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace Ledger.Api.Hosting;

public static class LedgerHosting
{
    public static async Task AddLedgerAsync(this WebApplicationBuilder builder)
    {
        // Every number the operator may set is read once here: a bad one stops the start, naming it, not a request later.
        Ledger.Storage.OperatorSettings.Check(k => builder.Configuration[k]);
        var urls = builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"]
            ?? (builder.Configuration["LEDGER_URLS"] is { Length: > 0 } ledgerUrls ? ledgerUrls : "http://127.0.0.1:5080");
        builder.WebHost.UseUrls(LedgerTelemetry.ListenUrls(builder.Configuration, urls));
        // Runs when Kestrel is built, as the host starts and before any hosted service does: a taken port is a refusal naming its setting.
        builder.WebHost.ConfigureKestrel(_ =>
        {
            if (ListenerCheck.Refusal(builder.Configuration, urls) is { } why) throw new Ledger.Storage.StartupRefusedException(why);
        });

        var database = await LedgerDatabase.ResolveAsync(builder.Configuration);
        await database.MigrateAsync();
        var shards = await Topology.PrepareShardsAsync(builder.Configuration, database);
        // The service holds no owner connection once the schema is applied: everything after runs as the runtime role.
        await database.Owner.DisposeAsync();
        var dataSource = database.Runtime;
        var embedded = database.Embedded;
        builder.Services.AddSingleton(dataSource);
        if (embedded is not null) builder.Services.AddSingleton(embedded);
        builder.Services.AddSingleton<IClock>(SystemClock.Instance);

        var nodeHealth = NodeHealth.From(builder.Configuration);
        builder.Services.AddMarten(o => LedgerStore.Configure(o, dataSource))
            .ApplyAllDatabaseChangesOnStartup()
            .IntegrateWithWolverine();
        builder.Host.UseWolverine(opts =>
        {
            // Balanced: the nodes on one database elect a leader (a PostgreSQL advisory lock), which
            // gives each agent (periodic work, inbox recovery) to one live node and moves it when
            // that node dies. Solo would have a restarting node take over a live node's imports.
            opts.Durability.Mode = DurabilityMode.Balanced;
            nodeHealth.Apply(opts.Durability);
            // Handlers are generated in memory at start (Dynamic): nothing is written into the source
            // tree, and generated code can never go stale. See docs/decisions.md.
            opts.CodeGeneration.TypeLoadMode = TypeLoadMode.Dynamic;
            // Imports come from a queue persisted in PostgreSQL (the durable inbox): an acknowledged
            // import survives a restart and resumes where its progress rows say. The queue hands
            // every job over at once; FairGate decides which run (LEDGER_IMPORT_WORKERS at a time,
            // fairly among clients), so a sequential queue can no longer let one job hold up all.
            opts.PublishMessage<Ledger.Api.Imports.RunImport>().ToLocalQueue(Ledger.Api.Imports.ImportEndpoints.Queue);
            opts.LocalQueue(Ledger.Api.Imports.ImportEndpoints.Queue).UseDurableInbox().MaximumParallelMessages(256);
            // Wolverine cancels a handler after a minute by default; an import of 100k features runs
            // for minutes. Imports are the only messages, so the default is theirs.
            opts.DefaultExecutionTimeout = TimeSpan.FromHours(6);
        });
        builder.Services.AddWolverineHttp();

        var logKeys = LogKey.Load(builder.Configuration, embedded?.DataDirectory);
        builder.Services.AddSingleton(logKeys);
        builder.Services.AddSingleton(sp => new Ingestor(sp.GetRequiredService<IDocumentStore>(), dataSource, sp.GetRequiredService<IClock>(),
            logKeys.SignerIfEnabled(ShardsFile.Catalogue)));
        builder.Services.AddSingleton(sp => new Topology(
            new LedgerShard(ShardsFile.Catalogue, [], dataSource, sp.GetRequiredService<IDocumentStore>(), sp.GetRequiredService<Ingestor>()),
            shards, sp.GetRequiredService<IClock>(), logKeys));
        builder.Services.AddSingleton<Ledger.Imports.ImportSignal>();
        builder.Services.AddSingleton<Ledger.Imports.ImportStore>();
        builder.Services.AddSingleton<IIngestRouting>(sp => sp.GetRequiredService<Topology>());
        var importLimits = Ledger.Imports.ImportLimits.From(k => builder.Configuration[k]);
        builder.Services.AddSingleton(importLimits);
        builder.Services.AddSingleton(new Ledger.Imports.FairGate(importLimits.Workers));
        builder.Services.AddSingleton<Ledger.Imports.ImportCancellations>();
        builder.Services.AddSingleton(Ledger.Imports.ScratchSpace.From(k => builder.Configuration[k]));
        builder.Services.AddSingleton<Ledger.Imports.ImportRunner>();
        builder.Services.AddSingleton<Ledger.Audit.BalanceSheets.SheetQuery>();
        builder.Services.AddSingleton<Ledger.Spatial.OverlapQuery>();
        builder.Services.AddSingleton<Ledger.Spatial.MapQuery>();
        builder.Services.AddSingleton(Ledger.Spatial.MapLimits.From(k => builder.Configuration[k]));
        builder.Services.AddSingleton<Ledger.Api.Map.MapWork>();
        builder.Services.AddSingleton<Ledger.Api.Map.TileCache>();
        builder.Services.AddSingleton<Ledger.Api.Ogc.OgcCounts>();
        builder.Services.AddSingleton<Ledger.Audit.Departure.AuditReader>();
        builder.Services.AddSingleton<Ledger.Audit.Departure.ReportStore>();
        builder.Services.AddSingleton(Ledger.Audit.Departure.AuditQuota.From(k => builder.Configuration[k]));
        builder.Services.AddSingleton<Ledger.Audit.Departure.DepartureAudits>();
        builder.Services.AddSingleton<Ledger.Api.Audits.ShardAudits>();
        builder.Services.AddSingleton(CheckpointKey.Load(builder.Configuration, embedded?.DataDirectory));
        builder.Services.AddSingleton<Ledger.Chain.CheckpointWriter>();
        builder.Services.AddSingleton(sp => new Ledger.Chain.ChainVerifier(dataSource, sp.GetRequiredService<Ledger.Chain.CheckpointSigner>()));
        builder.Services.AddSingleton<Ledger.Api.Investigations.VerifyRunner>();
        builder.Services.AddSingleton(Ledger.Api.Investigations.TrustedCheckpointFile.From(builder.Configuration));
        builder.Services.AddSingleton<Ledger.Api.Investigations.RollbackGuard>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Ledger.Api.Investigations.RollbackGuard>());
        // Periodic work runs on one node of the cluster at a time, as Wolverine agents.
        builder.Services.AddSingleton<Ledger.Api.Investigations.CheckpointService>();
        builder.Services.AddSingleton<DerivedCheckService>();
        builder.Services.AddSingleton(WitnessConfig.Load(builder.Configuration));
        builder.Services.AddHttpClient(nameof(WitnessService));
        builder.Services.AddSingleton<WitnessService>();
        builder.Services.AddSingleton<Wolverine.Runtime.Agents.IAgentFamily, PeriodicWorkFamily>();
        builder.Services.AddSingleton<ApiKeyDirectory>();
        builder.Services.AddSingleton<AddressLimiter>();
        builder.Services.AddSingleton<Ledger.Api.Workbench.WorkbenchSessions>();
        builder.Services.AddSingleton<Ledger.Api.Workbench.VerifyStatus>();
        builder.Services.AddHostedService<ShardPreparer>();
        if (logKeys.Enabled) builder.Services.AddHostedService<LogBuilder>();
        builder.Services.AddHostedService<ScratchSweep>();
        builder.Services.AddHostedService<DemoDataLoader>();
        builder.Services.AddHostedService<StoredCodeStartupCheck>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ShardUnavailableHandler>();
        builder.Services.AddLedgerRateLimits(builder.Configuration);
        // The request id (also in every problem response) is in the logging scope, so it is on every
        // line a request writes. LEDGER_LOG_FORMAT=json gives one JSON object per line for collectors.
        builder.Logging.ClearProviders();
        if (Ledger.Storage.OperatorSettings.LogFormat.Read(k => builder.Configuration[k]) == "json")
            builder.Logging.AddJsonConsole(o => o.IncludeScopes = true);
        else
            builder.Logging.AddSimpleConsole(o => { o.IncludeScopes = true; o.SingleLine = true; });
        builder.Services.ConfigureHttpJsonOptions(o => LedgerJson.Configure(o.SerializerOptions));
        builder.AddLedgerTelemetry();
    }

    public static void UseLedger(this WebApplication app)
    {
        // First, so everything after (cookies' Secure flag, the Origin check) sees the browser's scheme.
        app.UseForwardedHeaders(TrustedProxies.Options(app.Configuration));
        app.UseSecurityHeaders();
        app.UseLedgerMetricsListener();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.UseMiddleware<WorkbenchSessionMiddleware>();
        app.UseRateLimiter();
        app.MapWolverineEndpoints();
        Ledger.Api.Workbench.WorkbenchEndpoints.MapWorkbench(app);
        Ledger.Api.Ogc.OgcEndpoints.MapOgc(app);
        app.MapGet("/openapi/v1.json", () => Results.Text(LedgerOpenApi.Document(), "application/json")).ExcludeFromDescription();
        app.MapScalarApiReference("/docs", o => o.WithOpenApiRoutePattern("/openapi/v1.json").WithTitle("Land-resource ledger API"));

        if (app.Services.GetService<Ledger.Storage.EmbeddedPostgres>() is { } embedded)
            app.Lifetime.ApplicationStopped.Register(() => embedded.StopAsync().GetAwaiter().GetResult());
    }
}
