namespace Ledger.Api.Workbench;

/// <summary>
/// One stylesheet, inline: readable contrast (WCAG AA), visible focus, laptop and tablet widths. The
/// Content-Security-Policy allows it by its hash (<see cref="Http.SecurityHeaders"/>), so it must stay a constant.
/// </summary>
public static class WorkbenchCss
{
    public const string Css = """
        :root{--ink:#111827;--muted:#4b5563;--line:#9ca3af;--accent:#1d4ed8;--bad:#b91c1c;--ok:#166534;--bg:#f9fafb}
        *{box-sizing:border-box} body{margin:0;font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;color:var(--ink);background:#fff;line-height:1.5}
        .skip{position:absolute;left:-999px} .skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:10}
        header.top{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:center;background:#1e3a8a;color:#fff;padding:.6rem 1rem}
        header.top a{color:#fff} .brand{font-weight:bold;text-decoration:none}
        header nav{display:flex;flex-wrap:wrap;gap:1rem;flex:1} .user{display:flex;gap:.8rem;align-items:center;flex-wrap:wrap;font-size:.9rem}
        .user form{display:inline} button.link{background:none;border:none;color:#fff;text-decoration:underline;cursor:pointer;font:inherit;padding:0}
        main{max-width:1200px;margin:0 auto;padding:1rem} h1{font-size:1.5rem} h2{font-size:1.2rem;border-bottom:2px solid var(--accent);padding-bottom:.2rem;margin-top:2rem}
        a{color:var(--accent)} a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,[tabindex]:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
        .scroll{overflow-x:auto;max-width:100%} table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}
        caption{text-align:left;font-weight:bold;padding:.3rem 0} th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#eef2ff} td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} td.empty{color:var(--muted);text-align:center}
        .bad{color:var(--bad);font-weight:bold} .ok{color:var(--ok);font-weight:bold} .muted{color:var(--muted)}
        .liability{background:#fef2f2;border-left:4px solid var(--bad);padding:.4rem .8rem;margin:.3rem 0}
        form.inline{display:flex;flex-wrap:wrap;gap:.8rem;align-items:flex-end;background:var(--bg);padding:.8rem;border:1px solid #e5e7eb}
        .field{display:flex;flex-direction:column;gap:.2rem} .field small{color:var(--muted);font-size:.8rem}
        input,select{font:inherit;padding:.35rem .5rem;border:1px solid #6b7280;border-radius:3px;min-height:2.2rem}
        button.primary{font:inherit;background:var(--accent);color:#fff;border:none;border-radius:3px;padding:.5rem 1rem;cursor:pointer;min-height:2.2rem}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:.8rem;padding:0;list-style:none}
        .cards li{border:1px solid #d1d5db;border-radius:4px;padding:.6rem} .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1rem}
        figure{margin:0} figcaption{font-size:.85rem;color:var(--muted)} svg.chart{max-width:480px} .error{background:#fef2f2;border:1px solid var(--bad);padding:.8rem}
        .badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;font-size:.8rem;border:1px solid currentColor}
        .timeline{list-style:none;padding:0} .timeline li{border-left:3px solid var(--accent);padding:.3rem .8rem;margin:.6rem 0}
        dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem} dl.kv dt{color:var(--muted)} dl.kv dd{margin:0}
        .top .badge.ok-on-dark{background:#dcfce7;color:#14532d} .top .badge.bad-on-dark{background:#fee2e2;color:#7f1d1d} .top .badge.muted-on-dark{background:#e5e7eb;color:#1f2937}
        fieldset.weights{display:flex;flex-wrap:wrap;gap:.8rem;border:1px solid #d1d5db;flex-basis:100%} fieldset.weights legend{font-size:.9rem}
        .grade{font-size:1.6rem;font-weight:bold} .downloads{display:flex;flex-wrap:wrap;gap:1rem}
        .map{height:560px;border:1px solid #d1d5db;margin:.6rem 0} fieldset.layers{display:flex;flex-wrap:wrap;gap:.8rem;border:1px solid #d1d5db}
        .maplibregl-popup-content a{color:var(--accent)}
        table.matrix td.heat1,.swatch.heat1{background:#fff7ed} table.matrix td.heat2,.swatch.heat2{background:#fed7aa} table.matrix td.heat3,.swatch.heat3{background:#fdba74}
        table.matrix td.heat4,.swatch.heat4{background:#c2410c} table.matrix td.heat5,.swatch.heat5{background:#7c2d12} td.heat3 a{color:var(--ink)} td.heat4 a,td.heat5 a{color:#fff}
        table.matrix th[scope=row]{white-space:nowrap} ul.legend{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0;font-size:.85rem;color:var(--muted)}
        .swatch{display:inline-block;width:1.2em;height:1.2em;border:1px solid var(--line);vertical-align:middle;margin-right:.3rem} p.levels{margin:.3rem 0}
        @media (max-width:700px){header.top{flex-direction:column;align-items:flex-start} main{padding:.6rem}}
        """;
}
