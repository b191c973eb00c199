using System.Net;
using Ledger.Imports;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Imports.LayerFiles;

namespace Ledger.Tests.Imports;

/// <summary>A security review's finding: a Shapefile's .prj naming a 5 MB CRS was echoed whole in the 400.</summary>
[Collection(LedgerCollection.Name)]
public sealed class LongCrsNameTests(LedgerApp app)
{
    private static readonly string HugeName = new('x', 5 * 1024 * 1024);

    [Fact]
    public void a_crs_name_is_clipped_for_the_message()
    {
        Crs.Name($"PROJCS[\"{HugeName}\",UNIT[\"Meter\",1.0]]").ShouldBe(new string('x', 80) + "…");
        Crs.Name(GaussKrugerPrj).ShouldBe("CGCS2000_3_Degree_GK_CM_114E", "a real name is whole");
    }

    [Fact]
    public async Task an_upload_whose_prj_names_a_huge_crs_is_refused_with_a_short_answer()
    {
        var writer = await app.KeyAsync("writer", "410000");
        var prj = GaussKrugerPrj.Replace("CGCS2000_3_Degree_GK_CM_114E", HugeName);
        using var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(ZippedShapefile(prj, Parcel("8001", "0101", 0))), "file", "dltb.zip" },
            { new StringContent("farmland"), "layer" }, { new StringContent("2024-01-01"), "effectiveDate" },
            { new StringContent("""{"qualityGrade":"ZLDJ"}"""), "mapping" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = content };
        request.Headers.Add("X-Api-Key", writer);
        using var response = await app.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        body.ShouldContain("only CGCS2000 longitude/latitude", customMessage: body[..Math.Min(body.Length, 500)]);
        body.Length.ShouldBeLessThan(4096, "the name is clipped, not echoed");
    }
}
