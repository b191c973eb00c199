using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Workbench;

/// <summary>
/// Under the map: what the map shows, as a GeoPackage to download (contract 1.7's export.gpkg, at the
/// page's date and knowledge time, so the file matches the page even if records arrive meanwhile),
/// and how to open the region's OGC API – Features service in QGIS with the API key as a Basic
/// password (QGIS cannot send X-Api-Key). The key itself never appears on the page.
/// </summary>
public static class MapDownloads
{
    public static string Section(Ui ui, string code, LocalDate asOf, Instant knownAt)
    {
        var request = ui.Http.Request;
        var knownText = InstantPattern.ExtendedIso.Format(knownAt);
        var gpkg = $"/api/v1/regions/{code}/export.gpkg?asOf={Ui.Date(asOf)}&knownAt={Ui.Q(knownText)}";
        var ogc = $"{request.Scheme}://{request.Host}/api/v1/regions/{code}/ogc";
        var urlField = Ui.Field("ogc-url", ui.T("OGC API – Features 连接地址", "OGC API – Features connection URL"),
            $"<input id=\"ogc-url\" type=\"url\" readonly size=\"60\" value=\"{Ui.E(ogc)}\">");
        return $"""
            <h2 id="desktop-gis">{ui.T("下载与桌面 GIS", "Download and desktop GIS")}</h2>
            <p class="downloads"><a id="gpkg-download" href="{Ui.E(gpkg)}" download>{ui.T("下载 GeoPackage（全部图层，EPSG:4490）", "Download as GeoPackage (all layers, EPSG:4490)")}</a></p>
            <p class="muted">{ui.T(
                $"按本页的时点 {Ui.Date(asOf)} 与数据截至 {Ui.E(knownText)} 导出，与地图所示相同：每个图层一张表，属性与地图一致（中文别名），可直接拖入 QGIS、ArcGIS 或 SuperMap。",
                $"Exported at this page's date {Ui.Date(asOf)} and knowledge time {Ui.E(knownText)}, so it holds what the map shows: one table per layer, the map's attributes (with Chinese aliases); drop it into QGIS, ArcGIS or SuperMap.")}</p>
            <details id="qgis-help"><summary>{ui.T("在 QGIS 中打开（OGC API – Features，Basic 认证）", "Open in QGIS (OGC API – Features, Basic authentication)")}</summary>
            {urlField}
            <ol>
            <li>{ui.T(
                "新建认证配置：QGIS 菜单“设置 → 选项 → 认证”，点“+”，认证方式选“Basic authentication”（基本认证）。用户名任意（例如 ledger），密码填写您的 API 密钥。QGIS 将其加密保存在认证数据库中；请勿把密钥写进 URL 或项目文件。",
                "Create an authentication configuration: in QGIS, Settings → Options → Authentication, click “+”, choose “Basic authentication”. Any user name (e.g. ledger); the password is your API key. QGIS keeps it encrypted in its authentication database; never put the key in a URL or a project file.")}</li>
            <li>{ui.T(
                $"添加连接：“图层 → 数据源管理器 → WFS / OGC API - Features”，点“新建”。名称如“土地台账 {code}”，URL 填上面的地址，“认证”选第 1 步的配置，版本选“OGC API - Features”。",
                $"Add a connection: Layer → Data Source Manager → WFS / OGC API - Features, click “New”. Name it e.g. “Ledger {code}”, paste the URL above, pick the configuration from step 1 under Authentication, and choose version “OGC API - Features”.")}</li>
            <li>{ui.T(
                "点“连接”，选择图层（farmland 耕地图斑、permanentBasic 永久基本农田、redline 生态保护红线、mining 矿区范围、footprints 占地与侵占、overlaps 叠加发现）并添加。坐标为 CGCS2000 经纬度（EPSG:4490）；服务器按密钥的角色与范围作答，与本工作台相同。",
                "Click “Connect”, select the layers (farmland, permanentBasic, redline, mining, footprints, overlaps) and add them. Coordinates are CGCS2000 longitude/latitude (EPSG:4490); the server answers by your key's role and scope, as this workbench does.")}</li>
            </ol>
            <p class="muted">{ui.T("GDAL 同样可用：", "GDAL works the same way: ")}<code>ogrinfo "OAPIF:{Ui.E(ogc)}" -oo USERPWD=ledger:{ui.T("您的密钥", "YOUR_KEY")}</code></p>
            </details>
            """;
    }
}
