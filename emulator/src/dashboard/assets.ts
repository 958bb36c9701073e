/**
 * The dashboard's stylesheet and its one script, served from /_emulator/ui/assets/
 * so the pages can run under a strict Content-Security-Policy (no inline code).
 */
export const DASHBOARD_CSS = `
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#eef2f0;color:#17201b;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;overflow-wrap:anywhere}
a{color:#0b5c8a}
a:hover{color:#063f61}
:focus-visible{outline:3px solid #b35c00;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem;top:.5rem}
.stripe{height:6px;background:repeating-linear-gradient(135deg,#f2c230 0 12px,#17201b 12px 24px)}
.top{background:#12372a;color:#fff}
.top-inner{max-width:80rem;margin:0 auto;padding:.625rem 1rem;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.5rem}
.brand{font-weight:700;font-size:1.0625rem;color:#fff;text-decoration:none;display:flex;align-items:center;gap:.5rem}
.brand:hover{color:#fff}
.badge{display:inline-block;padding:0 .5rem;border:1px solid #9fd8b4;border-radius:999px;font-size:.75rem;font-weight:700;letter-spacing:.04em;text-transform:uppercase}
.top nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem}
.top nav a{display:block;color:#e4f3ea;text-decoration:none;padding:.25rem .625rem;border-radius:.375rem}
.top nav a:hover{background:#1d4e3c;color:#fff}
.top nav a[aria-current=page]{background:#f2c230;color:#17201b;font-weight:600}
.now{margin:0 0 0 auto;font-size:.8125rem;color:#d7efe0}
.now strong{color:#fff;font-weight:600}
main{max-width:80rem;margin:0 auto;padding:1.25rem 1rem 3rem}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .25rem}
h2{font-size:1.1875rem;line-height:1.3;margin:0 0 .75rem}
h3{font-size:1rem;margin:0 0 .5rem}
h4,.h4{font-size:.8125rem;margin:0 0 .375rem;text-transform:uppercase;letter-spacing:.04em;color:#2c3a32}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
p{margin:0 0 .75rem}
.lead{color:#4a5750;margin:0 0 1.25rem}
.muted{color:#4a5750}
.small{font-size:.8125rem}
.mono,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.8125rem}
.card{background:#fff;border:1px solid #c5cfc9;border-radius:.625rem;padding:1rem 1.25rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.06)}
.cards{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,17rem),1fr));margin:0 0 1rem}
.cards>.card{margin:0}
.stat{font-size:1.75rem;font-weight:700;line-height:1.1;margin:0 0 .25rem}
.stat.time{font-size:1.25rem}
ul.plain{list-style:none;margin:0;padding:0}
ul.grants{list-style:none;margin:0;padding:0}
ul.grants li{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:center;justify-content:space-between;padding:.5rem 0;border-bottom:1px solid #e1e7e3}
ul.grants li:first-child{padding-top:0}
.grant-what{min-width:0}
.notice{border:1px solid #2e7d4f;border-left-width:.375rem;background:#e9f6ee;color:#114227;border-radius:.375rem;padding:.625rem 1rem;margin:0 0 1rem}
.alert{border:1px solid #b42318;border-left-width:.375rem;background:#fdecea;color:#7a1a12;border-radius:.375rem;padding:.625rem 1rem;margin:0 0 1rem}
.empty{color:#4a5750;font-style:italic;margin:.25rem 0 .75rem}
.tag{display:inline-block;max-width:100%;overflow-wrap:normal;padding:0 .375rem;border-radius:.25rem;font-size:.75rem;font-weight:600;line-height:1.6;border:1px solid #b7c3bc;background:#f3f6f4;color:#2c3a32;margin:0 .25rem .125rem 0}
.tag.admin{background:#fff4d6;color:#5c3d00;border-color:#c99700}
.tag.role{background:#e3ecf7;color:#0b3a66;border-color:#8fb0d6}
.tag.ok{background:#e9f6ee;color:#114227;border-color:#7fbf98}
.tag.bad{background:#fdecea;color:#7a1a12;border-color:#e39a93}
.tag.warn{background:#fff4d6;color:#5c3d00;border-color:#c99700}
.perm{display:block;margin:0 0 .25rem}
.perm code{font-weight:700}
table{width:100%;border-collapse:collapse;font-size:.875rem}
caption{text-align:left;font-weight:600;padding:0 0 .5rem}
th,td{text-align:left;vertical-align:top;padding:.5rem .625rem;border-bottom:1px solid #d5ddd8}
th{font-weight:600;background:#f3f6f4;white-space:nowrap}
tbody tr:hover{background:#f7faf8}
td.num,th.num{text-align:right}
.status-2{color:#114227;font-weight:600}
.status-3{color:#0b3a66;font-weight:600}
.status-4{color:#7a1a12;font-weight:700}
.status-5{color:#fff;background:#b42318;border-radius:.25rem;padding:0 .25rem;font-weight:700}
button,.button{display:inline-block;white-space:nowrap;font:inherit;font-size:.875rem;cursor:pointer;border-radius:.375rem;padding:.375rem .875rem;border:1px solid #175a36;background:#1f6f45;color:#fff;font-weight:600;text-decoration:none;line-height:1.4}
button:hover,.button:hover{background:#175a36;color:#fff}
button.secondary{background:#fff;color:#175a36}
button.secondary:hover{background:#e6f2eb;color:#175a36}
button.danger{background:#fff;color:#8c1d13;border-color:#b42318}
button.danger:hover{background:#fdecea;color:#7a1a12}
form.inline{display:inline}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
fieldset{border:1px solid #c5cfc9;border-radius:.5rem;margin:0 0 1rem;padding:.75rem 1rem 0}
legend{font-weight:600;padding:0 .25rem}
.fields{display:grid;gap:0 1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,13rem),1fr))}
.field{margin:0 0 .75rem;min-width:0}
.field.wide{grid-column:1/-1}
label{display:block;font-weight:600;font-size:.875rem;margin:0 0 .25rem}
.hint{display:block;font-weight:400;color:#4a5750;font-size:.8125rem;margin:.25rem 0 0}
details.filters>summary{cursor:pointer;font-weight:600;font-size:1.0625rem;padding:.125rem 0}
details.filters[open]>summary{margin:0 0 .75rem}
.field.picker{max-width:28rem}
td.nowrap,th.nowrap{white-space:nowrap}
.id{display:block;color:#4a5750;font-size:.75rem}
td.who{min-width:11rem;font-size:.8125rem}
input[type=text],input[type=number],input[type=search],select{display:block;width:100%;padding:.4375rem .625rem;font:inherit;font-size:.875rem;color:inherit;background:#fff;border:1px solid #66736b;border-radius:.375rem;min-width:0}
.check{display:flex;gap:.5rem;align-items:center;font-weight:400}
.check input{width:1rem;height:1rem}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.25rem 1rem;margin:0 0 .75rem}
dl.facts dt{font-weight:600;color:#2c3a32}
dl.facts dd{margin:0}
.app-head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;align-items:baseline;margin:0 0 .5rem}
.app-head h3{margin:0;font-size:1.0625rem}
.cols{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,20rem),1fr))}
.sub{margin:.75rem 0 0;padding-top:.75rem;border-top:1px solid #e1e7e3}
.tabs{list-style:none;display:flex;flex-wrap:wrap;gap:.25rem;margin:0 0 1rem;padding:0;border-bottom:2px solid #c5cfc9}
.tabs a{display:block;padding:.375rem .875rem;text-decoration:none;border-radius:.375rem .375rem 0 0;color:#17201b}
.tabs a[aria-current=page]{background:#fff;border:1px solid #c5cfc9;border-bottom-color:#fff;margin-bottom:-2px;font-weight:600}
.live{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;margin:0 0 .75rem}
.live [aria-pressed=true]{background:#f2c230;color:#17201b;border-color:#8a6d00}
.swatch{display:inline-block;vertical-align:-.0625rem;margin-right:.375rem}
tr.fresh{animation:fresh 2s ease-out}
@keyframes fresh{from{background:#fff4d6}to{background:transparent}}
@media (prefers-reduced-motion:reduce){tr.fresh{animation:none}}
@media (max-width:48rem){
  .now{margin-left:0;width:100%}
  table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
  table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:100%}
  table.stack tr{border:1px solid #d5ddd8;border-radius:.5rem;margin:0 0 .625rem;padding:.25rem .5rem;background:#fff}
  table.stack td{display:flow-root;border:0;padding:.25rem 0 .25rem 7.25rem;text-align:left;white-space:normal}
  table.stack td.num{text-align:left}
  table.stack td::before{content:attr(data-label);float:left;width:6.75rem;margin-left:-7.25rem;font-weight:600;color:#2c3a32;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:.875rem}
  dl.facts{grid-template-columns:minmax(0,1fr);gap:0}
  dl.facts dd{margin:0 0 .375rem}
  table.stack td:empty{display:none}
  .card{padding:.875rem}
}
`;

/**
 * Live journal: polls the control plane's JSON (which the journal itself does
 * not record) and adds new rows at the top. Built with DOM calls only, so no
 * request text is ever parsed as HTML. Without JavaScript the page still shows
 * the journal and its filter form; "Refresh" reloads it.
 */
export const JOURNAL_JS = `
(function () {
  "use strict";
  var table = document.getElementById("journal");
  var toggle = document.getElementById("live-toggle");
  var status = document.getElementById("live-status");
  if (!table || !toggle || !status) return;
  var body = table.tBodies[0];
  var api = table.getAttribute("data-api");
  var hideControl = table.getAttribute("data-hide-control") === "1";
  var lastId = Number(table.getAttribute("data-last-id") || "0");
  var maxRows = Number(table.getAttribute("data-limit") || "200");
  var timer = null;
  toggle.hidden = false;
  function cell(label, text, cls) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
    if (cls) td.className = cls;
    if (text !== null && text !== undefined && text !== "") td.textContent = String(text);
    return td;
  }
  var names = {};
  try { names = JSON.parse(table.getAttribute("data-names") || "{}"); } catch (err) { names = {}; }
  function readable(url) {
    try { return decodeURIComponent(url); } catch (err) { return url; }
  }
  function who(label, id) {
    var td = cell(label, "", "who");
    if (!id) return td;
    td.title = id;
    var name = names[String(id).toLowerCase()];
    if (name) td.appendChild(document.createTextNode(name));
    var small = document.createElement("span");
    small.className = "id mono";
    small.textContent = String(id).slice(0, 8) + "\u2026";
    td.appendChild(small);
    return td;
  }
  function statusCell(code) {
    var td = cell("Status", "", "nowrap");
    var span = document.createElement("span");
    span.className = "status-" + String(code).charAt(0);
    span.textContent = String(code);
    td.appendChild(span);
    return td;
  }
  function row(e) {
    var tr = document.createElement("tr");
    tr.className = "fresh";
    tr.appendChild(cell("Time", e.time.slice(11, 23), "mono nowrap"));
    tr.appendChild(cell("Method", e.method, "nowrap"));
    tr.appendChild(cell("URL", readable(e.url), "mono"));
    tr.appendChild(cell("Area", e.area, "nowrap"));
    tr.appendChild(statusCell(e.status));
    tr.appendChild(cell("Error", e.errorCode, "mono"));
    tr.appendChild(who("Client", e.clientId));
    tr.appendChild(who("User", e.userId));
    tr.appendChild(cell("Fault", e.faultId ? "fault" : ""));
    tr.appendChild(cell("ms", Math.round(e.durationMs), "num nowrap"));
    return tr;
  }
  function poll() {
    fetch(api, { headers: { accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (entries) {
        var fresh = entries.filter(function (e) { return e.id > lastId && !(hideControl && e.area === "control"); });
        var empty = document.getElementById("journal-empty");
        if (fresh.length && empty) empty.hidden = true;
        fresh.forEach(function (e) {
          lastId = Math.max(lastId, e.id);
          body.insertBefore(row(e), body.firstChild);
        });
        while (body.rows.length > maxRows) body.deleteRow(body.rows.length - 1);
        status.textContent = fresh.length ? fresh.length + " new request" + (fresh.length === 1 ? "" : "s") : "Up to date";
      })
      .catch(function () { status.textContent = "Live updates paused: the emulator did not answer."; });
  }
  function setLive(on) {
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? "Live: on" : "Live: off";
    if (timer) { clearInterval(timer); timer = null; }
    if (on) { poll(); timer = setInterval(poll, 2000); } else { status.textContent = "Live updates off"; }
  }
  toggle.addEventListener("click", function () { setLive(toggle.getAttribute("aria-pressed") !== "true"); });
  setLive(true);
})();
`;
