using Ledger.Storage;
using Npgsql;
using Shouldly;

namespace Ledger.Tests.Unit;

public sealed class DataSourceTests
{
    [Theory]
    [InlineData("Host=/tmp;Database=ledger", Postgis.AutoPrepared)]
    [InlineData("Host=/tmp;Database=ledger;Max Auto Prepare=0", 0)]
    [InlineData("Host=/tmp;Database=ledger;maxautoprepare=7", 7)]
    public void statements_are_prepared_unless_the_connection_string_says_otherwise(string connectionString, int expected)
    {
        using var source = Postgis.DataSource(connectionString);
        new NpgsqlConnectionStringBuilder(source.ConnectionString).MaxAutoPrepare.ShouldBe(expected);
    }
}
