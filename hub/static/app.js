// The Doudi dashboard: a single page over the hub's public GraphQL API (/graphql).
//
// Every figure comes from /graphql with the user's bearer token (kept in sessionStorage, so
// closing the tab signs out). Masking and region scope are the API's: the page shows what
// it is sent, and never asks for what the role may not see (pages are chosen by role first).

const TOKEN_KEY = "doudi.token";
const LEVELS = { 0: "全国", 2: "省", 4: "市", 6: "县", 9: "乡镇", 12: "村" };
const CHILD_LENGTH = { 0: 2, 2: 4, 4: 6, 6: 9, 9: 12 };
const SOURCES = { civil: "民政", poverty: "乡村振兴", disability: "残联", medical: "医保", doudi: "兜底" };
const KINDS = { DUPLICATE: "重复享受", MISSED: "应保未保", SPLIT_HOUSEHOLD: "拆户合户", OTHER: "其他疑点" };
const STATUSES = {
  OPEN: "待核查", ASSIGNED: "核查中", CONFIRMED: "属实", DISMISSED: "不属实", RECTIFIED: "已整改", CLEARED: "已消除",
};
const SEVERITIES = { HIGH: "高", MEDIUM: "中", LOW: "低" };
const STATUS_COLOURS = {
  OPEN: "#ef6c00", ASSIGNED: "#1565c0", CONFIRMED: "#c62828", DISMISSED: "#78909c", RECTIFIED: "#2e7d32", CLEARED: "#8e24aa",
};
const RECTIFICATIONS = { STOPPED: "停发", RECOVERED: "追回资金", ENROLLED: "纳入保障" };

// Which roles see which page; a page not listed for the role is neither linked nor fetched.
const PAGES = {
  coverage: { title: "覆盖情况 Coverage", roles: ["leader", "supervisor", "admin"] },
  findings: { title: "疑点核查 Findings", roles: ["department", "supervisor", "admin"] },
  person: { title: "一人一档 Person", roles: ["department", "supervisor", "admin"] },
  sources: { title: "数据接入 Sources", roles: ["admin"] },
};

const state = { me: null, charts: [], graph: null, findingPages: [], poll: null };

// ---------------------------------------------------------------------------
// Helpers

function esc(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function $(selector, root = document) {
  return root.querySelector(selector);
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

class ApiError extends Error {}

async function gql(query, variables = {}) {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token()}` },
    body: JSON.stringify({ query, variables }),
  });
  let body;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(`HTTP ${response.status}`);
  }
  if (body.errors && body.errors.length) throw new ApiError(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, search] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || "", arg: parts[1] || "", params: new URLSearchParams(search || "") };
}

function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function regionLabel(code) {
  if (!code) return "全国";
  return `${code}（${LEVELS[code.length] || code.length + "位"}）`;
}

function fmt(value) {
  return value === null || value === undefined ? "—" : String(value);
}

function dateTime(value) {
  return value ? String(value).replace("T", " ").slice(0, 19) : "从未同步";
}

function disposeViews() {
  for (const chart of state.charts) chart.dispose();
  state.charts = [];
  if (state.graph) state.graph.destroy();
  state.graph = null;
  if (state.poll) clearInterval(state.poll);
  state.poll = null;
}

function showError(where, error) {
  where.innerHTML = `<p class="error" data-testid="error">${esc(error.message || error)}</p>`;
}

function badge(value, names) {
  return `<span class="badge ${esc(value)}">${esc(names[value] || value)}</span>`;
}

// ---------------------------------------------------------------------------
// Frame: login, navigation, last syncs

async function loadMe() {
  const data = await gql("query { me { user role region source pii } lastSyncs { source lastSyncAt } }");
  state.me = data.me;
  renderFrame(data.lastSyncs);
}

function allowed(page) {
  return Boolean(state.me) && PAGES[page] && PAGES[page].roles.includes(state.me.role);
}

function homePage() {
  return Object.keys(PAGES).find(allowed) || "login";
}

function renderFrame(syncs) {
  const { page } = parseHash();
  $("#nav").innerHTML = Object.entries(PAGES)
    .filter(([name]) => allowed(name))
    .map(([name, p]) => `<a href="#/${name}" data-nav="${name}" class="${page === name ? "active" : ""}">${esc(p.title)}</a>`)
    .join("");
  const me = state.me;
  $("#who").innerHTML = me
    ? `<span data-testid="me">${esc(me.user)} · ${esc(me.role)} · ${esc(regionLabel(me.region))}${me.source ? " · " + esc(SOURCES[me.source] || me.source) : ""}</span>
       <button class="secondary" id="logout">退出 Sign out</button>`
    : "";
  const out = $("#logout");
  if (out) out.onclick = () => {
    sessionStorage.removeItem(TOKEN_KEY);
    state.me = null;
    go("#/login");
  };
  if (syncs) {
    $("#syncs").innerHTML = "最近同步 Last sync: " + syncs
      .map((s) => `<span data-source="${esc(s.source.toLowerCase())}">${esc(SOURCES[s.source.toLowerCase()] || s.source)} ${esc(dateTime(s.lastSyncAt))}</span>`)
      .join("");
  } else if (!me) {
    $("#syncs").innerHTML = "";
  }
}

function renderLogin(main, message = "") {
  $("#nav").innerHTML = "";
  $("#who").innerHTML = "";
  $("#syncs").innerHTML = "";
  main.innerHTML = `
    <div class="card login">
      <h1>登录 Sign in</h1>
      <p class="muted">输入管理员用 <code>hub users token</code> 签发的令牌。Paste the token issued with <code>hub users token</code>.</p>
      <form id="login-form">
        <input id="token" type="password" autocomplete="off" placeholder="令牌 Bearer token" required>
        <button type="submit" id="login-button">登录 Sign in</button>
      </form>
      ${message ? `<p class="error" data-testid="login-error">${esc(message)}</p>` : ""}
    </div>`;
  $("#login-form").onsubmit = async (event) => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("#token").value.trim());
    try {
      await loadMe();
      go(`#/${homePage()}`);
    } catch (error) {
      sessionStorage.removeItem(TOKEN_KEY);
      state.me = null;
      renderLogin(main, `登录失败 Sign-in failed: ${error.message}`);
    }
  };
}

// ---------------------------------------------------------------------------
// Coverage (覆盖情况)

const COVERAGE = `
query Coverage($region: String!) {
  coverage(region: $region) {
    region level asOf year
    total { ...Figures }
    children { ...Figures }
  }
}
fragment Figures on RegionCoverage {
  region
  registries { civil poverty disability medical }
  programmes { dibao tekun livingSubsidy nursingSubsidy medicalEnrolled }
  gaps { unableToWorkNotCovered severeWithoutNursing dibaoDisabledWithoutLiving dibaoNotEnrolled }
  findings { kind status count }
}`;

const COVERAGE_COLUMNS = [
  ["region", "地区", (r) => r.region],
  ["civil", "民政", (r) => r.registries.civil],
  ["poverty", "建档立卡", (r) => r.registries.poverty],
  ["disability", "残联", (r) => r.registries.disability],
  ["medical", "医保", (r) => r.registries.medical],
  ["dibao", "低保", (r) => r.programmes.dibao],
  ["tekun", "特困", (r) => r.programmes.tekun],
  ["living", "生活补贴", (r) => r.programmes.livingSubsidy],
  ["nursing", "护理补贴", (r) => r.programmes.nursingSubsidy],
  ["enrolled", "医保参保", (r) => r.programmes.medicalEnrolled],
  ["gap1", "无劳动力未兜底", (r) => r.gaps.unableToWorkNotCovered],
  ["gap2", "重残无护理补贴", (r) => r.gaps.severeWithoutNursing],
  ["gap3", "低保残疾无生活补贴", (r) => r.gaps.dibaoDisabledWithoutLiving],
  ["gap4", "低保未参保", (r) => r.gaps.dibaoNotEnrolled],
  ["findings", "疑点", (r) => r.findings.reduce((n, f) => n + f.count, 0)],
  ["open", "待核查", (r) => r.findings.filter((f) => f.status === "OPEN").reduce((n, f) => n + f.count, 0)],
];

function crumbs(region) {
  const out = [`<a data-region="">全国</a>`];
  for (const length of [2, 4, 6, 9, 12]) {
    if (region.length >= length) out.push(`› <a data-region="${esc(region.slice(0, length))}">${esc(region.slice(0, length))}</a>`);
  }
  return out.join(" ");
}

async function renderCoverage(main, params) {
  const region = params.get("region") ?? state.me.region ?? "";
  main.innerHTML = `<h1>覆盖情况 Coverage — ${esc(regionLabel(region))}</h1><p class="muted">加载中…</p>`;
  let data;
  try {
    data = await gql(COVERAGE, { region });
  } catch (error) {
    return showError(main, error);
  }
  if (!main.isConnected) return; // overtaken by a newer render
  const cov = data.coverage;
  const rows = cov.children;
  const total = cov.total;
  const canDrill = (code) => code.length < 12;
  main.innerHTML = `
    <h1 data-testid="coverage-title" data-region="${esc(region)}">覆盖情况 Coverage — ${esc(regionLabel(region))}</h1>
    <div class="crumbs" data-testid="crumbs">${crumbs(region)}</div>
    <p class="muted">统计日 As of ${esc(cov.asOf)} · 医保年度 ${esc(cov.year)} · 下级 ${esc(LEVELS[cov.level === "PROVINCE" ? 2 : cov.level === "CITY" ? 4 : cov.level === "COUNTY" ? 6 : cov.level === "TOWNSHIP" ? 9 : 12])}
      · 本级合计：民政 ${fmt(total.registries.civil)}，建档立卡 ${fmt(total.registries.poverty)}，残联 ${fmt(total.registries.disability)}，低保 ${fmt(total.programmes.dibao)}，疑点 ${total.findings.reduce((n, f) => n + f.count, 0)}
      ${allowed("findings") ? ` · <a href="#/findings?region=${encodeURIComponent(region)}">查看本地区疑点 →</a>` : ""}
      · <a href="#" id="coverage-export">导出 Excel</a></p>
    <div class="row">
      <div class="card"><h2>各地区登记人数 People per registry</h2><div id="chart-registries" class="chart"></div></div>
      <div class="card"><h2>疑点核查状态 Findings by status</h2><div id="chart-status" class="chart"></div></div>
    </div>
    <div class="row">
      <div class="card"><h2>保障覆盖 Programme coverage</h2><div id="chart-programmes" class="chart"></div></div>
      <div class="card"><h2>缺口 Gaps</h2><div id="chart-gaps" class="chart"></div></div>
    </div>
    <div class="card"><h2>下级地区 Child regions（点击下钻 click to drill down）</h2>
      ${rows.length ? `<table id="coverage-table" data-testid="coverage-table"><thead><tr>${COVERAGE_COLUMNS.map(([key, label], i) => `<th class="sortable ${i ? "num" : ""}" data-sort="${key}">${esc(label)}</th>`).join("")}</tr></thead><tbody></tbody></table>` : `<p class="muted">本地区没有下级数据 No figures below this region.</p>`}
    </div>`;
  main.querySelectorAll(".crumbs a").forEach((a) => (a.onclick = () => go(`#/coverage?region=${encodeURIComponent(a.dataset.region)}`)));
  $("#coverage-export").onclick = (event) => {
    event.preventDefault();
    download(`/export/coverage.xlsx?region=${encodeURIComponent(region)}&depth=1`, `覆盖情况-${region || "全国"}.xlsx`);
  };
  const drill = (code) => canDrill(code) && go(`#/coverage?region=${encodeURIComponent(code)}`);
  let sortKey = "region";
  let ascending = true;
  const drawTable = () => {
    const body = $("#coverage-table tbody");
    if (!body) return;
    const getter = COVERAGE_COLUMNS.find(([key]) => key === sortKey)[2];
    const sorted = [...rows].sort((a, b) => {
      const x = getter(a) ?? -1;
      const y = getter(b) ?? -1;
      return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
    });
    body.innerHTML = sorted
      .map((r) => `<tr class="${canDrill(r.region) ? "clickable" : ""}" data-region="${esc(r.region)}">${COVERAGE_COLUMNS.map(([, , get], i) => `<td class="${i ? "num" : ""}">${esc(fmt(get(r)))}</td>`).join("")}</tr>`)
      .join("");
    body.querySelectorAll("tr").forEach((tr) => (tr.onclick = () => drill(tr.dataset.region)));
  };
  main.querySelectorAll("th.sortable").forEach((th) => (th.onclick = () => {
    ascending = sortKey === th.dataset.sort ? !ascending : true;
    sortKey = th.dataset.sort;
    drawTable();
  }));
  drawTable();
  const names = rows.map((r) => r.region);
  const bars = (id, series, stack = false) => {
    const chart = echarts.init(document.getElementById(id));
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(([name, get, colour]) => ({
        name, type: "bar", stack: stack ? "all" : undefined, data: rows.map((r) => get(r) ?? 0),
        itemStyle: colour ? { color: colour } : undefined,
      })),
    });
    chart.on("click", (event) => drill(names[event.dataIndex]));
    state.charts.push(chart);
  };
  bars("chart-registries", [
    ["民政", (r) => r.registries.civil], ["建档立卡", (r) => r.registries.poverty],
    ["残联", (r) => r.registries.disability], ["医保", (r) => r.registries.medical],
  ]);
  bars("chart-status", Object.keys(STATUSES).map((s) => [STATUSES[s], (r) => r.findings.filter((f) => f.status === s).reduce((n, f) => n + f.count, 0), STATUS_COLOURS[s]]), true);
  bars("chart-programmes", [
    ["低保", (r) => r.programmes.dibao], ["特困", (r) => r.programmes.tekun],
    ["生活补贴", (r) => r.programmes.livingSubsidy], ["护理补贴", (r) => r.programmes.nursingSubsidy],
    ["医保参保", (r) => r.programmes.medicalEnrolled],
  ]);
  bars("chart-gaps", [
    ["无劳动力未兜底", (r) => r.gaps.unableToWorkNotCovered], ["重残无护理补贴", (r) => r.gaps.severeWithoutNursing],
    ["低保残疾无生活补贴", (r) => r.gaps.dibaoDisabledWithoutLiving], ["低保未参保", (r) => r.gaps.dibaoNotEnrolled],
  ]);
}

// ---------------------------------------------------------------------------
// Findings (疑点核查): the list

const FINDINGS = `
query Findings($filter: FindingFilterInput, $after: String) {
  findings(filter: $filter, first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id ruleId kind severity status region summary assignee firstSeen persons } }
  }
  rules { id summary }
}`;

function findingFilter(params) {
  const filter = {};
  const list = (name, key) => params.get(name) && (filter[key] = [params.get(name)]);
  list("rule", "ruleIds");
  list("kind", "kinds");
  list("severity", "severities");
  list("status", "statuses");
  if (params.get("region")) filter.regionPrefix = params.get("region");
  if (params.get("assignee")) filter.assignee = params.get("assignee");
  return filter;
}

function options(names, chosen, blank = "全部 All") {
  return `<option value="">${esc(blank)}</option>` + Object.entries(names)
    .map(([value, label]) => `<option value="${esc(value)}" ${value === chosen ? "selected" : ""}>${esc(label)}</option>`)
    .join("");
}

async function renderFindings(main, params) {
  const page = Number(params.get("page") || "0");
  // Cursors of the pages seen so far: page n starts after cursors[n-1].
  const after = page > 0 ? state.findingPages[page - 1] || null : null;
  main.innerHTML = `<h1>疑点核查 Findings</h1><p class="muted">加载中…</p>`;
  let data;
  try {
    data = await gql(FINDINGS, { filter: findingFilter(params), after });
  } catch (error) {
    return showError(main, error);
  }
  if (!main.isConnected) return; // overtaken by a newer render
  const conn = data.findings;
  state.findingPages[page] = conn.pageInfo.endCursor;
  const rules = Object.fromEntries(data.rules.map((r) => [r.id, `${r.id}（${r.summary}）`]));
  main.innerHTML = `
    <h1>疑点核查 Findings <small class="muted" data-testid="findings-total">共 ${conn.totalCount} 条</small></h1>
    <form class="card filters" id="filters">
      <label>规则 Rule<select name="rule">${options(rules, params.get("rule"))}</select></label>
      <label>类型 Kind<select name="kind">${options(KINDS, params.get("kind"))}</select></label>
      <label>严重程度 Severity<select name="severity">${options(SEVERITIES, params.get("severity"))}</select></label>
      <label>状态 Status<select name="status">${options(STATUSES, params.get("status"))}</select></label>
      <label>地区 Region<input name="region" value="${esc(params.get("region") || "")}" placeholder="530102" size="12"></label>
      <label>核查人 Assignee<input name="assignee" value="${esc(params.get("assignee") || "")}" size="10"></label>
      <button type="submit">筛选 Filter</button>
      <button type="button" class="secondary" id="export-findings" data-testid="export-findings">下载台账 Excel</button>
    </form>
    <div class="card">
      <table data-testid="findings-table"><thead><tr>
        <th>发现日期</th><th>类型</th><th>规则</th><th>严重</th><th>状态</th><th>地区</th><th>描述</th><th>核查人</th>
      </tr></thead><tbody>
      ${conn.edges.map(({ node: f }) => `
        <tr class="clickable" data-finding="${esc(f.id)}">
          <td>${esc(f.firstSeen)}</td><td>${esc(KINDS[f.kind] || f.kind)}</td><td>${esc(f.ruleId)}</td>
          <td>${badge(f.severity, SEVERITIES)}</td><td>${badge(f.status, STATUSES)}</td><td>${esc(f.region)}</td>
          <td>${esc(f.summary)}</td><td>${esc(f.assignee || "")}</td>
        </tr>`).join("") || `<tr><td colspan="8" class="muted">没有符合条件的疑点 No findings match.</td></tr>`}
      </tbody></table>
      <div class="pager">
        <button class="secondary" id="prev" ${page > 0 ? "" : "disabled"}>上一页 Prev</button>
        <span>第 ${page + 1} 页</span>
        <button class="secondary" id="next" ${conn.pageInfo.hasNextPage ? "" : "disabled"}>下一页 Next</button>
      </div>
    </div>`;
  const withPage = (n) => {
    const next = new URLSearchParams(params);
    next.set("page", String(n));
    return `#/findings?${next}`;
  };
  $("#prev").onclick = () => go(withPage(page - 1));
  $("#next").onclick = () => go(withPage(page + 1));
  $("#filters").onsubmit = (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const next = new URLSearchParams();
    for (const [key, value] of form) if (String(value).trim()) next.set(key, String(value).trim());
    state.findingPages = [];
    go(`#/findings?${next}`);
  };
  $("#export-findings").onclick = () => {
    const query = new URLSearchParams();
    for (const key of ["rule", "kind", "severity", "status", "region", "assignee"]) if (params.get(key)) query.set(key, params.get(key));
    download(`/export/findings.xlsx?${query}`, "疑点台账.xlsx");
  };
  main.querySelectorAll("tr[data-finding]").forEach((tr) => (tr.onclick = () => go(`#/finding/${encodeURIComponent(tr.dataset.finding)}`)));
}

async function download(url, name) {
  // A plain link cannot send the bearer token: fetch, then hand the browser a blob.
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token()}` } });
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try { message = (await response.json()).error || message; } catch { /* not JSON */ }
    alert(`导出失败 Export failed: ${message}`);
    return;
  }
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// ---------------------------------------------------------------------------
// One finding: explanation, evidence side by side, evidence graph, review, history

const FINDING = `
query Finding($id: ID!) {
  finding(id: $id) {
    id ruleId kind severity status region summary persons households firstSeen lastSeen assignee
    rule { summary explanation }
    evidence { source recordKey note facts { field value } }
    history { at actor action fromStatus toStatus note }
    people {
      id gender registrationRegion
      names { source recordKey name }
      households { householdKey source relation covered labourSkill }
      dibao { householdKey status active monthlyAmount }
      tekun { key householdKey status active monthlyAmount }
      certificates { certNo status disabilityLevel subsidies { type status monthlyAmount } }
      payments { paymentId program amount householdKey }
    }
    householdRecords { key source region status householdType }
  }
}`;

const RESULT = `__typename ... on Finding { id status assignee } ... on MutationError { code message }`;
const MUTATIONS = {
  assign: `mutation($id: ID!, $assignee: String!, $note: String!) { step: assignFinding(id: $id, assignee: $assignee, note: $note) { ${RESULT} } }`,
  confirm: `mutation($id: ID!, $note: String!) { step: confirmFinding(id: $id, note: $note) { ${RESULT} } }`,
  dismiss: `mutation($id: ID!, $reason: String!) { step: dismissFinding(id: $id, reason: $reason) { ${RESULT} } }`,
  rectify: `mutation($id: ID!, $rectification: Rectification!, $note: String!, $amount: Float) { step: rectifyFinding(id: $id, rectification: $rectification, note: $note, amount: $amount) { ${RESULT} } }`,
};

function evidenceCards(items) {
  if (!items.length) return `<p class="muted">没有您可查看的证据 No evidence from your sources.</p>`;
  const bySource = {};
  for (const item of items) (bySource[item.source.toLowerCase()] ||= []).push(item);
  return `<div class="evidence" data-testid="evidence">${Object.entries(bySource).map(([source, list]) => `
    <div class="card source ${esc(source)}"><h2>${esc(SOURCES[source] || source)} <small class="muted">${esc(source)}</small></h2>
      ${list.map((e) => `<p><b>${esc(e.recordKey)}</b>${e.note ? `<br><span class="muted">${esc(e.note)}</span>` : ""}</p>
        <dl class="facts">${e.facts.map((f) => `<dt>${esc(f.field)}</dt><dd>${esc(f.value)}</dd>`).join("")}</dl>`).join("<hr>")}
    </div>`).join("")}</div>`;
}

function graphElements(f) {
  // Nodes: the finding, its persons, households of each source, benefits, evidence records.
  // Edges from the finding to its subjects are the relation that makes the case (drawn red).
  const nodes = new Map();
  const edges = [];
  const add = (id, label, type, extra = {}) => { if (!nodes.has(id)) nodes.set(id, { data: { id, label, type, ...extra } }); };
  const link = (source, target, label, type = "fact") => edges.push({ data: { id: `${source}->${target}:${edges.length}`, source, target, label, type } });
  const fid = `finding:${f.id}`;
  add(fid, `${KINDS[f.kind] || f.kind}\n${f.ruleId}`, "finding");
  const names = {};
  for (const p of f.people) names[p.id] = (p.names.find((n) => n.name) || {}).name;
  f.persons.forEach((pid) => {
    add(`person:${pid}`, `${names[pid] ? names[pid] + "\n" : ""}${pid}`, "person");
    link(fid, `person:${pid}`, "涉及", "case");
  });
  for (const key of f.households) {
    add(`household:${key}`, key, `household-${key.split(":")[0]}`);
    link(fid, `household:${key}`, "涉及", "case");
  }
  for (const p of f.people) {
    const pid = `person:${p.id}`;
    add(pid, `${names[p.id] ? names[p.id] + "\n" : ""}${p.id}`, "person");
    for (const m of p.households) {
      add(`household:${m.householdKey}`, m.householdKey, `household-${m.source.toLowerCase()}`);
      link(pid, `household:${m.householdKey}`, m.relation || "成员");
    }
    for (const d of p.dibao) {
      const id = `dibao:${d.householdKey}`;
      add(id, `低保 ${d.status || ""}${d.monthlyAmount ? "\n" + d.monthlyAmount + "元/月" : ""}`, "benefit");
      add(`household:${d.householdKey}`, d.householdKey, "household-civil");
      link(`household:${d.householdKey}`, id, "享受");
    }
    for (const t of p.tekun) {
      add(`tekun:${t.key}`, `特困 ${t.status || ""}`, "benefit");
      link(pid, `tekun:${t.key}`, "享受");
    }
    for (const c of p.certificates) {
      const cid = `cert:${c.certNo}`;
      add(cid, `残疾证 ${c.disabilityLevel ? c.disabilityLevel + "级" : ""}\n${c.certNo}`, "certificate");
      link(pid, cid, "持证");
      c.subsidies.forEach((s, i) => {
        add(`${cid}:s${i}`, `${s.type === "NURSING" ? "护理补贴" : s.type === "LIVING" ? "生活补贴" : s.type} ${s.status || ""}`, "benefit");
        link(cid, `${cid}:s${i}`, "补贴");
      });
    }
    for (const pay of p.payments) {
      add(`payment:${pay.paymentId}`, `${pay.program || "临时救助"} ${pay.amount ?? ""}元`, "benefit");
      link(pid, `payment:${pay.paymentId}`, "领取");
    }
  }
  f.evidence.forEach((e, i) => {
    const id = `evidence:${i}`;
    add(id, `${SOURCES[e.source.toLowerCase()] || e.source}记录\n${e.recordKey}`, `evidence-${e.source.toLowerCase()}`);
    link(id, fid, "证据", "evidence");
  });
  return [...nodes.values(), ...edges];
}

function drawGraph(f) {
  const colours = {
    finding: "#c62828", person: "#37474f", "household-civil": "#ef5350", "household-poverty": "#ffa726",
    benefit: "#66bb6a", certificate: "#26a69a",
  };
  state.graph = cytoscape({
    container: document.getElementById("evidence-graph"),
    elements: graphElements(f),
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: {
        label: "data(label)", "text-wrap": "wrap", "font-size": 10, "text-valign": "bottom", "text-margin-y": 4,
        "background-color": (n) => colours[n.data("type")] || (n.data("type").startsWith("evidence") ? "#90a4ae" : "#78909c"),
        width: 26, height: 26,
      } },
      { selector: 'node[type = "finding"]', style: { shape: "diamond", width: 40, height: 40 } },
      { selector: 'node[type = "person"]', style: { shape: "ellipse", width: 34, height: 34 } },
      { selector: 'node[type ^= "household"]', style: { shape: "round-rectangle" } },
      { selector: 'node[type ^= "evidence"]', style: { shape: "tag" } },
      { selector: "edge", style: {
        label: "data(label)", "font-size": 9, width: 1.5, "line-color": "#b0bec5", "target-arrow-color": "#b0bec5",
        "target-arrow-shape": "triangle", "curve-style": "bezier", "text-background-color": "#fff", "text-background-opacity": 0.8,
      } },
      { selector: 'edge[type = "case"]', style: { "line-color": "#c62828", "target-arrow-color": "#c62828", width: 3 } },
      { selector: 'edge[type = "evidence"]', style: { "line-style": "dashed" } },
    ],
    layout: { name: "cose", animate: false, padding: 30, nodeRepulsion: 9000, idealEdgeLength: 90, randomize: false },
  });
  // What was drawn, for anyone checking the page (the browser tests read it).
  const box = document.getElementById("evidence-graph");
  box.dataset.nodes = String(state.graph.nodes().length);
  box.dataset.edges = String(state.graph.edges().length);
}

async function renderFinding(main, id) {
  main.innerHTML = `<h1>疑点 Finding</h1><p class="muted">加载中…</p>`;
  let data;
  try {
    data = await gql(FINDING, { id });
  } catch (error) {
    return showError(main, error);
  }
  if (!main.isConnected) return; // overtaken by a newer render
  const f = data.finding;
  if (!f) return showError(main, "没有这条疑点，或不在您的辖区 No such finding in your region.");
  const reviewer = ["supervisor", "admin"].includes(state.me.role);
  const personLink = (pid) => (state.me.pii ? `<a href="#/person/${encodeURIComponent(pid)}">${esc(pid)}</a>` : esc(pid));
  main.innerHTML = `
    <p><a href="#/findings">← 疑点列表 Findings</a></p>
    <h1>${esc(KINDS[f.kind] || f.kind)} · ${esc(f.ruleId)} ${badge(f.severity, SEVERITIES)}
      <span data-testid="finding-status" data-status="${esc(f.status)}">${badge(f.status, STATUSES)}</span></h1>
    <div class="card">
      <p><b>${esc(f.summary)}</b></p>
      <p>${esc(f.rule ? f.rule.summary : "")}</p>
      <p class="muted" style="white-space: pre-wrap">${esc(f.rule ? f.rule.explanation : "")}</p>
      <dl class="facts">
        <dt>地区 Region</dt><dd>${esc(f.region)}</dd>
        <dt>涉及人员 Persons</dt><dd>${f.persons.map(personLink).join("、") || "—"}</dd>
        <dt>户 Households</dt><dd>${esc(f.households.join("、") || "—")}</dd>
        <dt>发现 First seen</dt><dd>${esc(f.firstSeen)}（最近 ${esc(f.lastSeen)}）</dd>
        <dt>核查人 Assignee</dt><dd data-testid="assignee">${esc(f.assignee || "—")}</dd>
      </dl>
    </div>
    ${reviewer ? `
    <div class="card"><h2>核查操作 Review</h2>
      <div class="actions">
        <form data-step="assign"><input name="assignee" value="${esc(f.assignee || state.me.user)}" size="10" aria-label="assignee"><input name="note" placeholder="备注" size="12"><button data-testid="assign">分派 Assign</button></form>
        <form data-step="confirm"><input name="note" placeholder="核查结论" size="16"><button data-testid="confirm" class="danger">确认属实 Confirm</button></form>
        <form data-step="dismiss"><input name="reason" placeholder="不属实原因（必填）" size="16"><button data-testid="dismiss" class="secondary">排除 Dismiss</button></form>
        <form data-step="rectify"><select name="rectification">${options(RECTIFICATIONS, "", "整改方式")}</select><input name="amount" placeholder="追回金额（元）" size="10"><input name="note" placeholder="整改情况" size="12"><button data-testid="rectify" class="secondary">记录整改 Rectify</button></form>
      </div>
      <p id="step-result"></p>
    </div>` : ""}
    <h2>各部门证据 Evidence from each source</h2>
    ${evidenceCards(f.evidence)}
    <h2>关系图 Evidence graph</h2>
    <div class="legend"><span><i style="background:#c62828"></i>疑点与涉及对象（红线）</span><span><i style="background:#37474f"></i>人员</span>
      <span><i style="background:#ef5350"></i>民政户</span><span><i style="background:#ffa726"></i>建档立卡户</span>
      <span><i style="background:#66bb6a"></i>待遇</span><span><i style="background:#26a69a"></i>残疾证</span><span><i style="background:#90a4ae"></i>证据记录</span></div>
    <div id="evidence-graph" data-testid="evidence-graph"></div>
    <h2>处理记录 History</h2>
    <table data-testid="history"><thead><tr><th>时间</th><th>操作人</th><th>操作</th><th>状态变化</th><th>备注</th></tr></thead><tbody>
      ${f.history.map((e) => `<tr><td>${esc(dateTime(e.at))}</td><td>${esc(e.actor)}</td><td>${esc(e.action)}</td>
        <td>${esc(STATUSES[e.fromStatus] || e.fromStatus || "")} → ${esc(STATUSES[e.toStatus] || e.toStatus || "")}</td><td>${esc(e.note)}</td></tr>`).join("")}
    </tbody></table>`;
  drawGraph(f);
  main.querySelectorAll("form[data-step]").forEach((form) => (form.onsubmit = async (event) => {
    event.preventDefault();
    const step = form.dataset.step;
    const values = Object.fromEntries(new FormData(form));
    const variables = { id: f.id, note: values.note || "" };
    if (step === "assign") variables.assignee = values.assignee;
    if (step === "dismiss") { delete variables.note; variables.reason = values.reason || ""; }
    if (step === "rectify") {
      variables.rectification = values.rectification;
      variables.amount = values.amount ? Number(values.amount) : null;
      if (!variables.rectification) { $("#step-result").innerHTML = `<span class="error">请选择整改方式</span>`; return; }
    }
    form.querySelector("button").disabled = true;
    try {
      const result = (await gql(MUTATIONS[step], variables)).step;
      if (result.__typename === "MutationError") {
        $("#step-result").innerHTML = `<span class="error" data-testid="step-error">${esc(result.code)}: ${esc(result.message)}</span>`;
        form.querySelector("button").disabled = false;
        return;
      }
      await renderFinding(main, f.id);
    } catch (error) {
      $("#step-result").innerHTML = `<span class="error">${esc(error.message)}</span>`;
      form.querySelector("button").disabled = false;
    }
  }));
}

// ---------------------------------------------------------------------------
// Person (一人一档)

const PERSON = `
query Person($id: String!) {
  person(id: $id) {
    id valid gender birthDate registrationRegion
    names { source recordKey name }
    households { householdKey source relation relationCode covered labourSkill health school linked }
    dibao { householdKey category status startDate endDate monthlyAmount active }
    tekun { key householdKey supportMode status startDate endDate monthlyAmount careLevel active }
    payments { paymentId program amount paidOn reason householdKey }
    certificates { certNo status cancelReason issueDate validUntil disabilityType disabilityLevel subsidies { type status monthlyAmount startDate endDate } }
    deceased { deceased deathDate source }
    findings { id ruleId kind status severity firstSeen }
    identityConflicts { field source recordKey value expected }
    linkedNumbers { id source method }
  }
}`;

const MEDICAL = `query Medical($id: String!) { person(id: $id) { medical { year origin found deceased deathDate records { insuranceType region year status subsidyCategory subsidy enrolledOn } } } }`;

function table(title, rows, columns) {
  if (!rows || !rows.length) return `<div class="card"><h2>${esc(title)}</h2><p class="muted">无 None</p></div>`;
  return `<div class="card"><h2>${esc(title)}</h2><table><thead><tr>${columns.map(([label]) => `<th>${esc(label)}</th>`).join("")}</tr></thead>
    <tbody>${rows.map((r) => `<tr>${columns.map(([, get]) => `<td>${esc(fmt(get(r)))}</td>`).join("")}</tr>`).join("")}</tbody></table></div>`;
}

async function renderPerson(main, id) {
  main.innerHTML = `
    <h1>一人一档 Person</h1>
    <form class="card filters" id="person-form"><label>身份证号 ID number<input name="id" value="${esc(id)}" size="22" required></label><button>查询 Look up</button></form>
    <div id="person"></div>`;
  $("#person-form").onsubmit = (event) => {
    event.preventDefault();
    go(`#/person/${encodeURIComponent(new FormData(event.target).get("id").trim())}`);
  };
  if (!id) return;
  const out = $("#person");
  out.innerHTML = `<p class="muted">加载中…</p>`;
  let p;
  try {
    p = (await gql(PERSON, { id })).person;
  } catch (error) {
    return showError(out, error);
  }
  if (!main.isConnected) return; // overtaken by a newer render
  if (!p) return showError(out, "没有此人，或不在您的辖区 Unknown or outside your scope.");
  out.innerHTML = `
    <div class="card" data-testid="person-card"><dl class="facts">
      <dt>身份证号</dt><dd>${esc(p.id)} ${p.valid ? "" : '<span class="badge HIGH">号码无效</span>'}</dd>
      <dt>姓名</dt><dd>${esc([...new Set(p.names.map((n) => n.name))].join(" / ") || "—")}</dd>
      <dt>性别 / 出生</dt><dd>${esc(fmt(p.gender))} / ${esc(fmt(p.birthDate))}</dd>
      <dt>户籍地</dt><dd>${esc(fmt(p.registrationRegion))}</dd>
      <dt>死亡</dt><dd>${p.deceased.deceased ? `已故 ${esc(fmt(p.deceased.deathDate))}（${esc(SOURCES[String(p.deceased.source).toLowerCase()] || p.deceased.source)}）` : "否"}</dd>
    </dl></div>
    ${table("各部门登记的姓名 Names", p.names, [["来源", (n) => SOURCES[n.source.toLowerCase()]], ["记录", (n) => n.recordKey], ["姓名", (n) => n.name]])}
    ${table("家庭 Households", p.households, [["户", (m) => m.householdKey], ["来源", (m) => SOURCES[m.source.toLowerCase()]], ["与户主关系", (m) => m.relation], ["低保覆盖", (m) => m.covered], ["劳动技能", (m) => m.labourSkill], ["健康", (m) => (m.health || []).join("、")], ["在校", (m) => m.school]])}
    ${table("低保 Dibao", p.dibao, [["户", (d) => d.householdKey], ["类别", (d) => d.category], ["状态", (d) => d.status], ["起", (d) => d.startDate], ["止", (d) => d.endDate], ["月额", (d) => d.monthlyAmount], ["有效", (d) => d.active]])}
    ${table("特困 Tekun", p.tekun, [["编号", (t) => t.key], ["供养方式", (t) => t.supportMode], ["状态", (t) => t.status], ["起", (t) => t.startDate], ["止", (t) => t.endDate], ["月额", (t) => t.monthlyAmount], ["有效", (t) => t.active]])}
    ${table("临时救助 Payments", p.payments, [["编号", (x) => x.paymentId], ["项目", (x) => x.program], ["金额", (x) => x.amount], ["日期", (x) => x.paidOn], ["事由", (x) => x.reason]])}
    ${table("残疾证 Certificates", p.certificates, [["证号", (c) => c.certNo], ["状态", (c) => c.status], ["类别", (c) => c.disabilityType], ["等级", (c) => c.disabilityLevel], ["有效期", (c) => c.validUntil], ["补贴", (c) => c.subsidies.map((s) => `${s.type} ${s.status} ${s.monthlyAmount ?? ""}`).join("；")]])}
    <div id="medical"></div>
    ${table("疑点 Findings", p.findings, [["规则", (x) => x.ruleId], ["类型", (x) => KINDS[x.kind]], ["状态", (x) => STATUSES[x.status]], ["发现", (x) => x.firstSeen], ["编号", (x) => x.id]])}
    ${table("身份信息不一致 Identity conflicts", p.identityConflicts, [["字段", (c) => c.field], ["来源", (c) => SOURCES[c.source.toLowerCase()]], ["记录", (c) => c.recordKey], ["记载", (c) => c.value], ["应为", (c) => c.expected]])}
    ${table("关联的无效号码 Linked numbers", p.linkedNumbers, [["号码", (l) => l.id], ["来源", (l) => l.source], ["方式", (l) => l.method]])}`;
  // Medical may be fetched live from the platform: its own request, so a slow or failing
  // platform does not hold back the rest of the file.
  gql(MEDICAL, { id }).then((data) => {
    const m = data.person && data.person.medical;
    $("#medical").innerHTML = m
      ? table(`医保 Medical ${m.year}（${m.origin === "LIVE" ? "实时查询" : "同步数据"}）`, m.records, [["险种", (r) => r.insuranceType], ["地区", (r) => r.region], ["状态", (r) => r.status], ["资助类别", (r) => r.subsidyCategory], ["资助", (r) => r.subsidy], ["参保日期", (r) => r.enrolledOn]])
      : table("医保 Medical", [], []);
  }).catch((error) => {
    const box = $("#medical");
    if (box) box.innerHTML = `<div class="card"><h2>医保 Medical</h2><p class="error">${esc(error.message)}</p></div>`;
  });
  out.querySelectorAll("td").forEach((td) => {
    // Finding ids in the findings table open the finding.
    if (/^[0-9a-f]{16,}$/.test(td.textContent)) td.innerHTML = `<a href="#/finding/${encodeURIComponent(td.textContent)}">${esc(td.textContent)}</a>`;
  });
}

// ---------------------------------------------------------------------------
// Sources (数据接入): admins only

const SOURCES_QUERY = `query Sources { sources { source lastSyncAt lastStatus rows quarantined } }`;
// A request of its own: a failure reading quarantine must not hide the sources table.
const QUARANTINE_QUERY = `query Quarantine { quarantined(first: 50) { totalCount edges { node { id source location reason raw at } } } }`;

async function renderSources(main) {
  main.innerHTML = `<h1>数据接入 Sources</h1><p class="muted">加载中…</p>`;
  let data;
  try {
    data = await gql(SOURCES_QUERY);
  } catch (error) {
    return showError(main, error);
  }
  if (!main.isConnected) return; // overtaken by a newer render
  main.innerHTML = `
    <h1>数据接入 Sources</h1>
    <div class="card"><table data-testid="sources-table"><thead><tr><th>来源</th><th>最近同步</th><th>状态</th><th class="num">写入行数</th><th class="num">隔离行数</th><th></th></tr></thead><tbody>
      ${data.sources.map((s) => `<tr><td>${esc(SOURCES[s.source.toLowerCase()] || s.source)} <span class="muted">${esc(s.source.toLowerCase())}</span></td>
        <td>${esc(dateTime(s.lastSyncAt))}</td><td>${esc(fmt(s.lastStatus))}</td><td class="num">${s.rows}</td><td class="num">${s.quarantined}</td>
        <td><button class="secondary" data-sync="${esc(s.source)}">同步 Sync</button></td></tr>`).join("")}
    </tbody></table>
    <p><button id="start-check">运行比对 Run checks</button></p>
    <div id="job" data-testid="job"></div></div>
    <div class="card" id="quarantine"><h2>隔离数据 Quarantined rows</h2><p class="muted">加载中…</p></div>`;
  gql(QUARANTINE_QUERY).then((q) => {
    const rows = q.quarantined;
    $("#quarantine").innerHTML = `<h2>隔离数据 Quarantined rows（共 ${rows.totalCount} 行）</h2>
      <table data-testid="quarantine-table"><thead><tr><th>时间</th><th>来源</th><th>位置</th><th>原因</th><th>原始数据</th></tr></thead><tbody>
      ${rows.edges.map(({ node: r }) => `<tr><td>${esc(dateTime(r.at))}</td><td>${esc(SOURCES[r.source.toLowerCase()] || r.source)}</td><td>${esc(r.location)}</td><td>${esc(r.reason)}</td><td><code>${esc(r.raw.slice(0, 200))}</code></td></tr>`).join("") || `<tr><td colspan="5" class="muted">无 None</td></tr>`}
      </tbody></table>`;
  }).catch((error) => {
    const box = $("#quarantine");
    if (box) box.innerHTML = `<h2>隔离数据 Quarantined rows</h2><p class="error">${esc(error.message)}</p>`;
  });
  const start = async (mutation, variables) => {
    const box = $("#job");
    try {
      const result = (await gql(mutation, variables)).run;
      if (result.__typename === "MutationError") return (box.innerHTML = `<p class="error">${esc(result.message)}</p>`);
      follow(result.runId);
    } catch (error) {
      box.innerHTML = `<p class="error">${esc(error.message)}</p>`;
    }
  };
  const started = `__typename ... on JobStarted { runId } ... on MutationError { code message }`;
  main.querySelectorAll("button[data-sync]").forEach((b) => (b.onclick = () => start(`mutation($s: SourceName!) { run: startSync(source: $s) { ${started} } }`, { s: b.dataset.sync })));
  $("#start-check").onclick = () => start(`mutation { run: startCheck { ${started} } }`, {});
}

function follow(runId) {
  // Polls job(runId) each second: plain HTTP works behind every proxy, unlike a websocket.
  const box = $("#job");
  const tick = async () => {
    try {
      const job = (await gql(`query($r: String!) { job(runId: $r) { runId kind status done total message startedAt finishedAt } }`, { r: runId })).job;
      if (!job) return (box.innerHTML = `<p class="muted">运行 ${esc(runId)} 未知</p>`);
      const share = job.total ? Math.round((100 * job.done) / job.total) : 0;
      box.innerHTML = `<p>${esc(job.kind)} ${esc(job.runId)}：<b>${esc(job.status)}</b>
        <span class="progress"><div style="width:${share}%"></div></span> ${job.done}/${fmt(job.total)} ${esc(job.message)}</p>`;
      if (["succeeded", "failed"].includes(job.status)) clearInterval(state.poll);
    } catch (error) {
      box.innerHTML = `<p class="error">${esc(error.message)}</p>`;
      clearInterval(state.poll);
    }
  };
  if (state.poll) clearInterval(state.poll);
  state.poll = setInterval(tick, 1000);
  tick();
}

// ---------------------------------------------------------------------------
// Router

async function render() {
  disposeViews();
  // Each render draws into a view of its own: a slower render that a newer one has
  // overtaken (a quick click, a redirect) then writes into a detached view, not the page.
  const main = document.createElement("div");
  main.className = "view";
  $("#main").replaceChildren(main);
  const { page, arg, params } = parseHash();
  if (!token()) return renderLogin(main);
  if (!state.me) {
    try {
      await loadMe();
    } catch (error) {
      sessionStorage.removeItem(TOKEN_KEY);
      return renderLogin(main, error.message);
    }
  } else {
    renderFrame(null);
  }
  const name = page === "finding" ? "findings" : page;
  if (page === "login" || !allowed(name)) {
    if (page && page !== "login" && PAGES[name]) {
      main.innerHTML = `<p class="error">您的角色无权查看此页 Your role may not see this page.</p>`;
      return;
    }
    return go(`#/${homePage()}`);
  }
  document.body.dataset.page = page;
  if (page === "coverage") return renderCoverage(main, params);
  if (page === "findings") return renderFindings(main, params);
  if (page === "finding") return renderFinding(main, arg);
  if (page === "person") return renderPerson(main, arg);
  if (page === "sources") return renderSources(main);
}

window.addEventListener("hashchange", render);
window.addEventListener("resize", () => state.charts.forEach((c) => c.resize()));
render();
