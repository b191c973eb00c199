// The workbench map: the region's vector tiles (served by the ledger from PostGIS) drawn by the
// vendored MapLibre, with no basemap and nothing fetched from elsewhere. The page holds every
// setting in data attributes; the list of overlaps under the map is the accessible version.
import { Map, NavigationControl, Popup } from '/ui/assets/maplibre/maplibre-gl.mjs';

const el = document.getElementById('map');
const d = el.dataset;
const tiles = `${location.origin}/ui/regions/${d.region}/tiles/{z}/{x}/{y}.mvt?asOf=${encodeURIComponent(d.asOf)}&knownAt=${encodeURIComponent(d.knownAt)}`;
const bounds = JSON.parse(d.bounds);

// One style layer per map layer: fill and outline, overlaps drawn last and loudest.
const looks = {
  farmland: { fill: '#9ccc65', line: '#558b2f', opacity: 0.35 },
  permanentBasic: { fill: '#2e7d32', line: '#1b5e20', opacity: 0.25 },
  redline: { fill: '#e53935', line: '#b71c1c', opacity: 0.15 },
  mining: { fill: '#8d6e63', line: '#4e342e', opacity: 0.3 },
  footprints: { fill: '#fb8c00', line: '#e65100', opacity: 0.5 },
  overlaps: { fill: '#d500f9', line: '#6a1b9a', opacity: 0.75 },
};
const layers = [];
for (const [name, look] of Object.entries(looks)) {
  layers.push({ id: `${name}-fill`, type: 'fill', source: 'ledger', 'source-layer': name,
    paint: { 'fill-color': look.fill, 'fill-opacity': look.opacity } });
  layers.push({ id: `${name}-line`, type: 'line', source: 'ledger', 'source-layer': name,
    paint: { 'line-color': look.line, 'line-width': name === 'overlaps' ? 3 : 1.2 } });
}

const map = new Map({
  container: el,
  style: {
    version: 8,
    sources: { ledger: { type: 'vector', tiles: [tiles], minzoom: 0, maxzoom: 16 } },
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#f4f1ea' } }, ...layers],
  },
  bounds: [[bounds[0], bounds[1]], [bounds[2], bounds[3]]],
  fitBoundsOptions: { padding: 24 },
  localIdeographFontFamily: "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
  attributionControl: false,
});
map.addControl(new NavigationControl({ showCompass: false }));
window.ledgerMap = map;

// Layer switches: plain checkboxes in the page.
for (const box of document.querySelectorAll('input[data-layer]')) {
  box.addEventListener('change', () => {
    for (const part of ['fill', 'line'])
      map.setLayoutProperty(`${box.dataset.layer}-${part}`, 'visibility', box.checked ? 'visible' : 'none');
  });
}

// Click a feature: what it is, and links to its stream's timeline (and, for an overlap, the protected stream's).
const link = (href, text) => {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
};
map.on('click', (e) => {
  const hits = map.queryRenderedFeatures(e.point).filter((f) => f.layer.id.endsWith('-fill'));
  if (hits.length === 0) return;
  const p = hits[hits.length - 1].properties;
  const box = document.createElement('div');
  const title = document.createElement('strong');
  title.textContent = `${d['label' + String(p.layer).toLowerCase()] ?? p.layer} · ${p.areaHa} ha`;
  box.append(title, document.createElement('br'));
  box.append(link(`/ui/streams/${encodeURIComponent(p.domain)}/${encodeURIComponent(p.stream)}?knownAt=${encodeURIComponent(d.knownAt)}`, `${p.domain}/${p.stream}`));
  if (p.layer === 'overlaps') {
    box.append(document.createElement('br'), `${p.kind} → `);
    const domain = p.protectedLayer === 'redline' ? 'redline' : 'farmland';
    box.append(link(`/ui/streams/${domain}/${encodeURIComponent(p.protectedStream)}?knownAt=${encodeURIComponent(d.knownAt)}`, `${domain}/${p.protectedStream}`));
  }
  new Popup({ closeButton: true }).setLngLat(e.lngLat).setDOMContent(box).addTo(map);
});
