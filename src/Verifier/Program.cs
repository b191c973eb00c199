namespace LedgerVerify;

/// <summary>
/// ledger-verify: the ledger's evidence checked by code that shares nothing with the server.
/// Exit codes: 0 valid (or the witness stopped cleanly), 1 invalid (the message says what and
/// where), 2 usage (the command line or a file it names cannot be used).
/// </summary>
public static class Program
{
    public const string Usage = """
        usage:
          ledger-verify evidence BUNDLE.zip --policy POLICY
          ledger-verify receipts --policy POLICY --checkpoint NEWER [--url BASE --key APIKEY] [--proof FROM:TO=FILE]... RECEIPT.json...
          ledger-verify witness --name NAME --key KEYFILE --state STATEFILE --listen http://HOST:PORT --log VKEY...
          ledger-verify log --policy POLICY (--tiles DIR | --url BASE --key APIKEY --database NAME [--mirror DIR]) [--parallel N]
        exit: 0 valid, 1 invalid (what and where are printed), 2 usage
        """;

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, CancellationToken.None);

    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                (args.Length == 0 ? error : output).WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }
            var rest = args[1..];
            return args[0] switch
            {
                "evidence" => EvidenceCommand.Run(rest, output),
                "receipts" => ReceiptsCommand.Run(rest, output),
                "witness" => WitnessCommand.Run(rest, output, error, stop),
                "log" => LogCommand.Run(rest, output),
                _ => throw new UsageError($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageError e)
        {
            error.WriteLine($"ledger-verify: {e.Message}");
            error.WriteLine(Usage);
            return 2;
        }
        catch (Invalid e)
        {
            output.WriteLine($"INVALID {e.Where}: {e.What}");
            return 1;
        }
    }
}
