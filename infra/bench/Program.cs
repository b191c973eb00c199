using Ledger.Bench;

// Ingest benchmark: the full HTTP path (auth, parsing, rules, Marten append) beside a raw
// PostgreSQL COPY of the same rows, in one run, on a fresh private cluster.
var events = Args.Int(args, "--events", 200_000);
var batchSize = Args.Int(args, "--batch", 500);
var clients = Args.Int(args, "--clients", 4);
await IngestBenchmark.RunAsync(events, batchSize, clients);
