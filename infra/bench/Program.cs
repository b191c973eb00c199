using Ledger.Bench;

// infra/bench/run.sh ingest [--events N --batch N --clients N --rounds 4]   the HTTP ingest path alternating with plain Marten, beside a raw COPY
// infra/bench/run.sh national [--events 1000000 --shards 4 --compare 0 --landuse 1]  31 provinces over shards against one database (--compare 0: shards only;
//                                                                   --landuse 1: land-use traffic in every other province; --halfway 0, --verify 0 skip those;
//                                                                   --settle 1: derived check at start only, sheets once the database is quiet): ingest, sheets, verify
// infra/bench/run.sh bulk [--events N --streams 1]              the NDJSON bulk path beside a raw COPY
// infra/bench/run.sh sheets [--occupations N]                     flow rebuild and balance-sheet latency
// infra/bench/run.sh successions [--occupations N --successions 100]  sheet latency before and after N successions, one ledger
// infra/bench/run.sh county [--parcels N --zones N --zone-vertices N --footprint-batches N]  a large county on the map: overlap detection, map/tiles, import
// infra/bench/run.sh ogc [--parcels N --zones 0 --walks 2 --boxes 30 --rounds 2]  the county's parcels through OGC API – Features: items pages, ogr2ogr via OAPIF beside the map
// infra/bench/run.sh gpkgwrite [--features 20000 --files 7]  a GeoPackage export written without the database (the R-tree included)
// infra/bench/run.sh copyrows [--rows 1000 --rounds 40]  an import batch's flows, index and geo_versions rows: the ingest's statements against binary COPY
// infra/bench/run.sh import [--features 100000 --rounds 2 --parallel 1 --warmup 30000]  a 三调-style GeoPackage through POST /imports against ogr2ogr -f PostgreSQL, alternating
//                                                                   (--parallel 2: two counties at once each way, with the API's and PostgreSQL's CPU)
// infra/bench/run.sh sheetparts [--occupations N --data DIR]      county/prefecture/province sheets beside their parts, with plans (ledger kept in DIR)
// infra/bench/run.sh audits [--occupations 200 --prefectures 5 --runs 20] departure-audit reports: issue, HTML, PDF, XLSX
// infra/bench/run.sh soak [--minutes 10 --rate 6000]              sustained load: errors, latency, memory
// infra/bench/run.sh verify [--data DIR --occupations 200 --prefectures 5 --runs 3] verify: chain and derived tables (ledger kept in DIR)
// infra/bench/run.sh geometry [--batches 20 --batch 500 --clients 2]   parcels with ~50-vertex boundaries vs the same without geometry
// infra/bench/run.sh ingestcpu [--batches 200 --batch 500 --geometry]  the API's own CPU per batch, one thread, no HTTP or database
// infra/bench/run.sh log [--entries 10000000 --proofs 1000 --whole-log 1]      the transparency log at scale: inclusion and consistency proofs over HTTP, whole-log verification from tiles
// infra/bench/run.sh logcpu [--batches 400 --batch 500]          the log's own CPU per ingest batch (what runs under the chain's lock), one thread, no database
// infra/bench/run.sh logingest [--events 200000 --batch 500 --clients 4 --rounds 6]  ingest without and with the log, two APIs on one cluster, alternating rounds
// infra/bench/run.sh telemetry [--events N --batch N --clients N --rounds 2]  ingest with telemetry on and off, alternating
var mode = args.FirstOrDefault() ?? "ingest";
// The API processes sign checkpoints with a key file named after this process; nothing of a run should outlive it.
AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(IngestBenchmark.CheckpointKeyFile);
switch (mode)
{
    case "ingest":
        await IngestBenchmark.RunAsync(Args.Int(args, "--events", 200_000), Args.Int(args, "--batch", 500), Args.Int(args, "--clients", 4),
            Args.Int(args, "--rounds", 4));
        break;
    case "national":
        await NationalBenchmark.RunAsync(new NationalBenchmark.Options(Args.Int(args, "--events", 1_000_000), Args.Int(args, "--shards", 4),
            Args.Int(args, "--sheet-runs", 40), Args.Int(args, "--compare", 1) != 0, Args.Int(args, "--landuse", 0) != 0,
            Args.Int(args, "--halfway", 1) != 0, Args.Int(args, "--verify", 1) != 0, Args.Int(args, "--settle", 0) != 0));
        break;
    case "gpkgwrite":
        GeoPackageWriteBenchmark.Run(Args.Int(args, "--features", 20_000), Args.Int(args, "--files", 7));
        break;
    case "copyrows":
        await CopyRowsBenchmark.RunAsync(Args.Int(args, "--rows", 1000), Args.Int(args, "--rounds", 40));
        break;
    case "bulk":
        await BulkBenchmark.RunAsync(Args.Int(args, "--events", 200_000), Args.Int(args, "--streams", 1));
        break;
    case "logcpu":
        LogCpu.Run(Args.Int(args, "--batches", 400), Args.Int(args, "--batch", 500));
        break;
    case "log":
        await LogBenchmark.RunAsync(Args.Int(args, "--entries", 10_000_000), Args.Int(args, "--proofs", 1000), Args.Int(args, "--whole-log", 1) != 0);
        break;
    case "logingest":
        await LogIngestBenchmark.RunAsync(Args.Int(args, "--events", 200_000), Args.Int(args, "--batch", 500), Args.Int(args, "--clients", 4),
            Args.Int(args, "--rounds", 6));
        break;
    case "ingestcpu":
        IngestCpu.Run(Args.Int(args, "--batches", 200), Args.Int(args, "--batch", 500), args.Contains("--geometry"));
        break;
    case "telemetry":
        await TelemetryOverhead.RunAsync(Args.Int(args, "--events", 200_000), Args.Int(args, "--batch", 500), Args.Int(args, "--clients", 4),
            Args.Int(args, "--rounds", 2));
        break;
    case "county":
        await CountyBenchmark.RunAsync(Args.Int(args, "--parcels", 100_000), Args.Int(args, "--zones", 1000), Args.Int(args, "--zone-vertices", 10_000),
            Args.Int(args, "--footprint-batches", 20));
        break;
    case "ogc":
        await OgcBenchmark.RunAsync(Args.Int(args, "--parcels", 100_000), Args.Int(args, "--zones", 0), Args.Int(args, "--zone-vertices", 10_000),
            Args.Int(args, "--walks", 2), Args.Int(args, "--boxes", 30), Args.Int(args, "--rounds", 2));
        break;
    case "import":
        await ImportBenchmark.RunAsync(Args.Int(args, "--features", 100_000), Args.Int(args, "--rounds", 2), Args.Int(args, "--parallel", 1),
            Args.Int(args, "--warmup", 30_000));
        break;
    case "geometry":
        await GeometryBenchmark.RunAsync(Args.Int(args, "--batches", 20), Args.Int(args, "--batch", 500), Args.Int(args, "--clients", 2));
        break;
    case "soak":
        await SoakTest.RunAsync(Args.Int(args, "--minutes", 10), Args.Int(args, "--rate", 6000));
        break;
    case "audits":
        await AuditBenchmark.RunAsync(Args.Int(args, "--occupations", 200), Args.Int(args, "--prefectures", 5), Args.Int(args, "--runs", 20));
        break;
    case "sheets":
        await SheetBenchmark.RunAsync(Args.Int(args, "--occupations", 480));
        break;
    case "sheetparts":
        await SheetPartsBenchmark.RunAsync(Args.Int(args, "--occupations", 480), args.Contains("--data") ? Args.Text(args, "--data", "") : null);
        break;
    case "successions":
        await SuccessionBenchmark.RunAsync(Args.Int(args, "--occupations", 480), Args.Int(args, "--successions", 100));
        break;
    case "verify":
        await VerifyBenchmark.RunAsync(Args.Text(args, "--data", Path.Combine(Path.GetTempPath(), "ledger-verify-bench")),
            Args.Int(args, "--occupations", 200), Args.Int(args, "--prefectures", 5), Args.Int(args, "--runs", 3));
        break;
    default:
        Console.Error.WriteLine("usage: run.sh ingest|bulk|copyrows|gpkgwrite|national|ingestcpu|sheets|sheetparts|successions|county|ogc|import|audits|soak|verify|telemetry|geometry [options]");
        return 2;
}
return 0;
