"""The QA report as one self-contained HTML page: inline CSS and JS, no server, no external URL.

The report dictionary is embedded as JSON; the page's script draws the summary (by severity, dataset, rule),
the rules table (PASS / FAIL / NOT RUN with the reason) and, on a click (or ``report.html#rule=SD0013``), the
rule's offending rows, with a text filter and column sorting, and the study's explanations (each with the number of
findings it covers; a finding shows the id of its explanation). At most :data:`ROWS_PER_RULE` rows per rule are
embedded; report.json has them all.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from cdiscmm.validate.provenance import provenance_line
from cdiscmm.validate.report import ROWS_PER_RULE, first_per_rule

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}
.cards{display:flex;gap:1em}.card{border:1px solid #ccc;border-radius:6px;padding:.6em 1.2em;min-width:7em}
.card b{display:block;font-size:1.6em}.Reject b{color:#8b0000}.Error b{color:#c0392b}.Warning b{color:#b9770e}
.Notice b{color:#2e6da4}table{border-collapse:collapse;margin:.5em 0;width:100%}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3;cursor:pointer;user-select:none}tr.FAIL td.status{color:#c0392b;font-weight:bold}
tr.PASS td.status{color:#1e8449}tr.NOT-RUN td.status{color:#7f8c8d}tr.rule{cursor:pointer}
tr.rule:hover{background:#fafae0}input,select{margin:0 .5em .5em 0;padding:3px}.muted{color:#777}
"""

_SCRIPT = """
const R=JSON.parse(document.getElementById('report-data').textContent);
const SEV=['Reject','Error','Warning','Notice'];
function el(t,a,txt){const e=document.createElement(t);Object.assign(e,a||{});
  if(txt!==undefined)e.textContent=txt;return e}
function table(target,cols,rows,rowAttrs){
  const t=el('table'),h=el('tr');let sortCol=null,asc=true;
  cols.forEach((c,i)=>{const th=el('th',{},c[1]);th.onclick=()=>{asc=sortCol===i?!asc:true;sortCol=i;
    rows.sort((a,b)=>{const x=a[c[0]],y=b[c[0]];if(x===y)return 0;if(x===null)return 1;if(y===null)return -1;
      return (x<y?-1:1)*(asc?1:-1)});draw()};h.appendChild(th)});
  const head=el('thead');head.appendChild(h);t.appendChild(head);const body=el('tbody');t.appendChild(body);
  function draw(){body.innerHTML='';rows.forEach(r=>{if(r._hidden)return;const tr=el('tr',rowAttrs?rowAttrs(r):{});
    cols.forEach(c=>{const td=el('td',{className:c[0]},r[c[0]]===null?'':String(r[c[0]]));tr.appendChild(td)});
    body.appendChild(tr)})}
  draw();target.innerHTML='';target.appendChild(t);return draw}
function summary(){
  const cards=document.getElementById('severity');
  SEV.forEach(s=>{const c=el('div',{className:'card '+s,id:'sev-'+s});c.appendChild(el('b',{},
  R.summary.by_severity[s]));
    c.appendChild(el('span',{},s));cards.appendChild(c)});
  document.getElementById('unexplained').textContent=R.summary.unexplained_failing+
    ' Reject/Error findings without an explanation';
  table(document.getElementById('explanations'),[['id','Id'],['rule','Rule'],['dataset','Dataset'],
    ['variable','Variable'],['findings','Findings'],['explanation','Explanation']],R.explanations.map(x=>
    Object.assign({},x)));
  const st=document.getElementById('statuses');
  ['PASS','FAIL','NOT RUN'].forEach(s=>{st.appendChild(el('span',{id:'rules-'+s.replace(' ','-'),className:'count'},
    s+': '+R.summary.rules[s]+'  '))});
  const ds=R.datasets.map(d=>Object.assign({name:d.name,kind:d.kind,records:d.records},d.findings));
  table(document.getElementById('datasets'),[['name','Dataset'],['kind','Kind'],['records','Records']].concat(
    SEV.map(s=>[s,s])),ds)}
function rules(){
  const rows=R.rules.map(r=>Object.assign({},r));const f=document.getElementById('rule-filter');
  const fs=document.getElementById('status-filter'),fv=document.getElementById('severity-filter');
  const draw=table(document.getElementById('rules'),[['id','Rule'],['status','Status'],['severity','Severity'],
    ['findings','Findings'],['message','Message'],['reason','Not run because'],['p21','P21'],['core','CORE'],
    ['pmda','PMDA'],['datasets','Ran on'],['engine','Engine']],rows,r=>({className:'rule '+r.status.replace(' ','-'),
  onclick:()=>drill(r.id)}));
  function apply(){const q=f.value.toLowerCase();rows.forEach(r=>{r._hidden=(fs.value&&r.status!==fs.value)||
    (fv.value&&r.severity!==fv.value)||(q&&!JSON.stringify(r).toLowerCase().includes(q))});draw()}
  [f,fs,fv].forEach(x=>x.oninput=apply)}
function drill(id,scroll){
  const rule=R.rules.find(r=>r.id===id);const rows=R.findings.filter(x=>x.RULE===id).map(x=>Object.assign({},x));
  document.getElementById('drill-title').textContent=id+' \\u2014 '+rule.message+' ('+rule.status+')';
  document.getElementById('drill-note').textContent=rule.description+(rule.findings>rows.length?
    ' Showing '+rows.length+' of '+rule.findings+' rows; report.json and report.xlsx have all.':'');
  const q=document.getElementById('finding-filter');
  const draw=table(document.getElementById('drill'),[['DATASET','Dataset'],['VARIABLE','Variable'],['ROW','Row'],
    ['USUBJID','USUBJID'],['SEQ','SEQ'],['VALUE','Value'],['DETAIL','Detail'],['EXPLANATION','Explained by']],rows);
  q.oninput=()=>{const s=q.value.toLowerCase();
  rows.forEach(r=>{r._hidden=s&&!JSON.stringify(r).toLowerCase().includes(s)});draw()};
  if(scroll!==false)document.getElementById('drill-section').scrollIntoView()}
summary();rules();
if(location.hash.startsWith('#rule='))drill(decodeURIComponent(location.hash.slice(6)),false);
"""


def _embedded(report: dict[str, Any]) -> str:
    data = {**report, "findings": first_per_rule(report["findings"], ROWS_PER_RULE)}
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def write_html(report: dict[str, Any], path: Path) -> Path:
    """``report.html``: the report, readable offline in any browser."""
    title = html.escape(report["title"])
    inputs = "".join(f"<li>{html.escape(k)}: {html.escape(str(v))}</li>" for k, v in report["inputs"].items())
    timings = ", ".join(f"{k} {v:.2f} s" for k, v in report["timings_seconds"].items())
    inputs += f"<li>{html.escape(provenance_line(report['provenance']))}</li>"
    options = "".join(f"<option>{s}</option>" for s in ("Reject", "Error", "Warning", "Notice"))
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>{_STYLE}</style></head>
<body><h1>{title}</h1><ul class="muted">{inputs}<li>time: {html.escape(timings)}</li></ul>
<h2>Findings by severity</h2><div class="cards" id="severity"></div>
<h2>Rules</h2><p id="statuses"></p>
<input id="rule-filter" placeholder="filter rules"><select id="status-filter"><option value="">any status</option>
<option>FAIL</option><option>PASS</option><option>NOT RUN</option></select><select id="severity-filter">
<option value="">any severity</option>{options}</select><div id="rules"></div>
<h2>Datasets</h2><div id="datasets"></div>
<h2>Explanations</h2><p id="unexplained"></p><div id="explanations"></div>
<h2 id="drill-section">Offending rows: <span id="drill-title" class="muted">click a rule</span></h2>
<p id="drill-note" class="muted"></p><input id="finding-filter" placeholder="filter rows"><div id="drill"></div>
<script type="application/json" id="report-data">{_embedded(report)}</script>
<script>{_SCRIPT}</script></body></html>
"""
    path.write_text(page, encoding="utf-8")
    return path
