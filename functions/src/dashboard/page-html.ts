import { createHash } from "node:crypto";

export interface DashboardPage {
  readonly html: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** Large type and strong contrast: the page is read from the back of a room, off a projector. */
const STYLE = `
:root{--ink:#111;--paper:#fff;--muted:#4a4a4a;--line:#c8c8c8;--accent:#0b5cad;--warn:#9b1c1c;--ok:#1d6b2f;font-size:20px}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--ink);background:var(--paper);line-height:1.35}
header{display:flex;flex-wrap:wrap;gap:.5rem 1.5rem;align-items:baseline;padding:.6rem 1rem;border-bottom:3px solid var(--ink)}
h1{font-size:1.6rem;margin:0}
h2{font-size:1.15rem;margin:0 0 .4rem}
main{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem;padding:1rem}
@media (min-width:1100px){main{grid-template-columns:minmax(0,1.5fr) minmax(0,1fr) minmax(0,1fr);grid-template-areas:"events customers hub" "events generate charges" "lifecycle lifecycle lifecycle"}
#events-panel{grid-area:events}#customers-panel{grid-area:customers}#hub-panel{grid-area:hub}#generate-panel{grid-area:generate}#charges-panel{grid-area:charges}#lifecycle-panel{grid-area:lifecycle}}
section{border:2px solid var(--line);border-radius:.4rem;padding:.6rem .8rem;min-width:0}
#events td:first-child,#events td:nth-child(2),#charges td:nth-child(n+2){white-space:nowrap}
#events td:nth-child(3){min-width:12ch}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
caption{text-align:left;color:var(--muted);font-size:.8rem;padding-bottom:.2rem}
th,td{text-align:left;padding:.15rem .4rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{border-bottom:2px solid var(--ink);white-space:nowrap}
td.num,th.num{text-align:right}
button,input,select{font:inherit;padding:.2rem .5rem}
button{cursor:pointer;border:2px solid var(--accent);background:var(--paper);color:var(--accent);border-radius:.3rem}
button.link{border:0;padding:0;text-decoration:underline;text-align:left}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.facts{display:flex;flex-wrap:wrap;gap:.2rem 1.2rem;margin:0}
.facts div{display:flex;gap:.4rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0;font-weight:600}
.columns{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}
pre{margin:0;font-size:.75rem;white-space:pre-wrap;overflow-wrap:anywhere;background:#f3f3f3;padding:.3rem;max-height:22rem;overflow:auto}
h3{font-size:1rem;margin:.2rem 0}
ol.history{margin:0;padding-left:1.4rem}
ol.history li{margin-bottom:.3rem}
.muted{color:var(--muted)}
.warn{color:var(--warn);font-weight:600}
.ok{color:var(--ok)}
form{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:end}
label{display:flex;flex-direction:column;font-size:.85rem}
input[type=number]{width:6rem}
progress{width:100%;height:1.2rem;margin-top:.5rem}
tr.fresh td{animation:fresh 1.5s ease-out}
@keyframes fresh{from{background:#fff2a8}to{background:transparent}}
@media (prefers-reduced-motion:reduce){tr.fresh td{animation:none}}
`;

/** The page's structure; every value is filled in by the script as text, never as markup. */
const BODY = `
<header>
  <h1>Orders, live</h1>
  <dl class="facts" aria-label="Status">
    <div><dt>Store</dt><dd id="store-kind">…</dd></div>
    <div><dt>Projection lag</dt><dd id="projection-lag">…</dd></div>
    <div><dt>Dead letters</dt><dd id="dead-letters">…</dd></div>
    <div><dt>Request charge</dt><dd id="request-charge">…</dd></div>
  </dl>
  <p id="connection" class="muted">Connecting…</p>
</header>
<main>
  <section id="events-panel" aria-labelledby="events-title">
    <h2 id="events-title">Events as they arrive</h2>
    <table id="events"><caption>Newest first; choose a stream to follow its order.</caption>
      <thead><tr><th scope="col">Time</th><th scope="col">Type</th><th scope="col">Stream</th><th scope="col" class="num">Version</th></tr></thead>
      <tbody></tbody></table>
  </section>
  <section id="customers-panel" aria-labelledby="customers-title">
    <h2 id="customers-title">Top customers</h2>
    <table id="top-customers"><caption>The customers view, most orders first.</caption>
      <thead><tr><th scope="col">User</th><th scope="col" class="num">Total Orders</th></tr></thead>
      <tbody></tbody></table>
  </section>
  <section id="hub-panel" aria-labelledby="hub-title">
    <h2 id="hub-title">Hub today</h2>
    <label>Hub <select id="hub"></select></label>
    <dl class="facts" aria-label="Orders today at this hub">
      <div><dt>Requested</dt><dd id="hub-requested">0</dd></div>
      <div><dt>Cancelled</dt><dd id="hub-cancelled">0</dd></div>
      <div><dt>Delivered</dt><dd id="hub-delivered">0</dd></div>
    </dl>
    <table id="hub-articles"><caption id="hub-caption">Articles of today's orders that are not cancelled.</caption>
      <thead><tr><th scope="col">Article</th><th scope="col" class="num">Quantity</th></tr></thead>
      <tbody></tbody></table>
  </section>
  <section id="generate-panel" aria-labelledby="generate-title">
    <h2 id="generate-title">Generate orders</h2>
    <form id="generate">
      <label>How many <input id="generate-count" type="number" min="1" max="5000" value="20" required></label>
      <label>Orders per second <input id="generate-rate" type="number" min="1" max="100" value="5" required></label>
      <button id="generate-start" type="submit">Start</button>
      <button id="generate-stop" type="button" disabled>Stop</button>
    </form>
    <progress id="generate-progress" max="1" value="0" aria-label="Orders generated"></progress>
    <p id="generate-status" role="status">Ready. The same seeded plans as npm run simulate.</p>
  </section>
  <section id="lifecycle-panel" aria-labelledby="lifecycle-title">
    <h2 id="lifecycle-title">Order lifecycle</h2>
    <p id="lifecycle-hint" class="muted">Choose an order stream in the events list.</p>
    <div class="columns">
      <div><h3>Events, one by one</h3><ol id="lifecycle-events" class="history"></ol></div>
      <div><h3 id="lifecycle-state-title">Folded state</h3><pre id="lifecycle-state"></pre></div>
      <div><h3 id="lifecycle-summary-title">Summary view</h3><pre id="lifecycle-summary"></pre></div>
    </div>
  </section>
  <section id="charges-panel" aria-labelledby="charges-title">
    <h2 id="charges-title">Recent calls</h2>
    <table id="charges"><caption id="charges-caption">Request units per call (x-request-charge), on Cosmos DB.</caption>
      <thead><tr><th scope="col">Call</th><th scope="col" class="num">Status</th><th scope="col" class="num">RU</th></tr></thead>
      <tbody></tbody></table>
  </section>
</main>
`;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("base64");

/**
 * The whole page in one response: markup, style and script inline, nothing fetched from
 * elsewhere. The content security policy allows exactly this script and style (by hash) and
 * calls to the app's own origin, so even a value that slipped into markup could not run.
 */
export function renderPage(script: string): DashboardPage {
  // A literal "</script" inside the script would end the element early.
  const safeScript = script.replaceAll("</script", "<\\/script");
  const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>Orders, live</title><style>${STYLE}</style></head><body>${BODY}<script>${safeScript}</script></body></html>\n`;
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(safeScript)}'`,
    `style-src 'sha256-${sha256(STYLE)}'`,
    "connect-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    html,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": csp,
      "referrer-policy": "no-referrer",
      "x-content-type-options": "nosniff",
      "cache-control": "no-cache",
    },
  };
}
