/** td view's stylesheet, served as /static/style.css (no inline styles: the CSP allows only 'self'). */
export const STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa; --accent: #0969da;
  --final: #1a7f37; --refined: #9a6700; --defeat: #cf222e; --parse: #6e7781; --rejected: #3d444d; --unjudged: #8c959f;
  --del-bg: #ffebe9; --del-fg: #82071e; --ins-bg: #dafbe1; --ins-fg: #055d20; --leak: #fff1a8; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; }
header.top { display: flex; gap: 16px; align-items: baseline; padding: 10px 20px; border-bottom: 1px solid var(--line); background: var(--bg-soft); flex-wrap: wrap; }
header.top .brand { font-weight: 700; }
header.top .brand a { color: var(--fg); text-decoration: none; }
header.top .source { color: var(--muted); font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; overflow-wrap: anywhere; }
main { padding: 12px 20px 40px; max-width: 1500px; margin: 0 auto; }
a { color: var(--accent); }
h1 { font-size: 18px; margin: 8px 0 2px; overflow-wrap: anywhere; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
h2 { font-size: 15px; margin: 22px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
.muted { color: var(--muted); }
.mono, pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
details > summary { cursor: pointer; color: var(--muted); margin: 4px 0; }
details[open] > summary { margin-bottom: 6px; }
.badge { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 12px; line-height: 19px; border: 1px solid var(--line); background: #fff; white-space: nowrap; }
.b-final { color: #fff; background: var(--final); border-color: var(--final); }
.b-refined { color: #fff; background: var(--refined); border-color: var(--refined); }
.b-defeat { color: #fff; background: var(--defeat); border-color: var(--defeat); }
.b-parse-fail { color: #fff; background: var(--parse); border-color: var(--parse); }
.b-rejected { color: #fff; background: var(--rejected); border-color: var(--rejected); }
.b-unjudged { color: var(--fg); background: #fff; }
.b-leak { background: var(--leak); border-color: #d4a72c; }
.b-pass { color: #fff; background: var(--final); border-color: var(--final); }
.b-fail { color: #fff; background: var(--defeat); border-color: var(--defeat); }
.m-accept { color: #fff; background: var(--final); border-color: var(--final); }
.m-reject { color: #fff; background: var(--defeat); border-color: var(--defeat); }
.m-none { color: var(--muted); }
form.filters { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; padding: 10px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg-soft); }
form.filters label { display: inline-flex; gap: 5px; align-items: center; }
form.filters input[type=search] { width: 280px; }
form.filters input[type=number] { width: 64px; }
input, select, button, textarea { font: inherit; }
button { cursor: pointer; border: 1px solid var(--line); background: #fff; border-radius: 6px; padding: 2px 10px; }
button:disabled { cursor: not-allowed; opacity: .55; }
.counts { margin: 10px 0; display: flex; gap: 10px; flex-wrap: wrap; align-items: center; }
table { border-collapse: collapse; }
table.turns { width: 100%; }
table.turns th, table.turns td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
table.turns th { background: var(--bg-soft); position: sticky; top: 0; font-weight: 600; }
table.turns td.num, table.turns th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.turns td.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; overflow-wrap: anywhere; }
table.turns tr.sel { background: #ddf4ff; outline: 2px solid var(--accent); outline-offset: -2px; }
table.turns tbody tr:hover { background: #f3f8ff; }
.pager { margin: 10px 0; display: flex; gap: 12px; align-items: center; }
.help { color: var(--muted); font-size: 12px; margin-top: 18px; }
kbd { border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; padding: 0 4px; font-size: 11px; background: #fff; }
.turn-nav { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; margin-bottom: 4px; }
.facts { display: flex; gap: 8px; flex-wrap: wrap; align-items: center; margin: 6px 0; }
.review { display: grid; grid-template-columns: auto 1fr; gap: 8px 12px; align-items: start; padding: 10px 12px; border: 1px solid var(--line); border-radius: 6px; margin: 10px 0; }
.review textarea { width: 100%; min-height: 38px; resize: vertical; }
.review .buttons { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.status { color: var(--muted); font-size: 12px; }
.status.error { color: var(--defeat); }
.duel { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 6px 14px; }
.duel .side-head { font-weight: 600; padding: 4px 0; border-bottom: 2px solid var(--line); }
.duel .side-head[data-side=right] { border-bottom-color: var(--accent); }
.duel .row-title { grid-column: 1 / -1; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; margin-top: 6px; }
.duel .cell.missing { color: var(--defeat); font-style: italic; }
del { background: var(--del-bg); color: var(--del-fg); text-decoration: line-through; text-decoration-color: #cf222e88; }
ins { background: var(--ins-bg); color: var(--ins-fg); text-decoration: none; }
mark.leak { background: var(--leak); box-shadow: inset 0 -2px #d4a72c; color: inherit; }
table.grid th, table.grid td { border: 1px solid var(--line); padding: 3px 7px; vertical-align: top; }
table.grid th { background: var(--bg-soft); text-align: left; font-weight: 600; }
table.grid td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.grid td.reason { max-width: 560px; }
.w-challenger { color: var(--final); font-weight: 600; }
.w-king { color: var(--defeat); font-weight: 600; }
.w-tie { color: var(--refined); font-weight: 600; }
.abstained { color: var(--muted); font-style: italic; }
.msg { margin: 6px 0; }
.msg .role { font-size: 12px; color: var(--muted); }
.banner { padding: 6px 10px; border-radius: 6px; margin: 8px 0; background: #fff8c5; border: 1px solid #d4a72c; }
.error-page { padding: 20px; }
pre.answers { max-height: 280px; overflow: auto; }
#task pre { max-height: 420px; overflow: auto; }
`;
