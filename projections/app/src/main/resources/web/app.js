// mtrr-ledger web view: plain JS over the read-only API of `mtrr serve`. Nothing is fetched from elsewhere.
"use strict";

const $ = (id) => document.getElementById(id);
const MEMTYPES = ["UC", "WC", "WT", "WP", "WB", "UNDEFINED"];
const POLICIES = ["v6.4", "v6.7", "yan-v2-vcpu0", "yan-v4-cd-toggle", "yan-v4-fine", "sean-cd-nonwb", "v6.11",
  "per-vm-dirty"];

const state = {
  vm: null,          // VM summary from /api/vms
  events: [],        // the VM's events (API event JSON), in offset order
  indexOf: new Map(),// offset -> index in events
  zaps: [],          // every zap of the VM (API zap JSON)
  seq: 0,            // drops answers to superseded requests
  selected: null,    // selected marker element
};

async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => ({ error: "HTTP " + r.status }));
  if (!r.ok) {
    const e = new Error(body.error || ("HTTP " + r.status));
    e.status = r.status;
    throw e;
  }
  return body;
}

/** Follows next_cursor until the last page. */
async function pages(path) {
  const out = [];
  let cursor = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page = await api(path + sep + "limit=1000" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

function status(text, isError) {
  const s = $("status");
  s.textContent = text || "";
  s.style.color = isError ? "#ff8a80" : "";
}

const vmPath = () => "/api/vms/" + encodeURIComponent(state.vm.vm);
const gfn = (hex) => parseInt(hex, 16);

// ---- address scale: piecewise, so that the 1 MiB fixed area, the 32-bit PCI hole and high memory all show ----
// In GFNs (4 KiB pages). The fixed-MTRR MiB is cut at its 64K/16K/4K granularity boundaries.
function segments(topGfn) {
  const top = Math.max(topGfn, 0x100001);
  return [
    { from: 0x0, to: 0x80, w: 0.06, label: "0–512K" },
    { from: 0x80, to: 0xc0, w: 0.05, label: "–768K" },
    { from: 0xc0, to: 0x100, w: 0.07, label: "–1M" },
    { from: 0x100, to: 0x80000, w: 0.20, label: "1 MiB – 2 GiB" },
    { from: 0x80000, to: 0x100000, w: 0.27, label: "2 – 4 GiB (32-bit PCI hole)" },
    { from: 0x100000, to: top, w: 0.35, label: "4 GiB – " + size(top) + " (log)", log: true },
  ];
}

function scale(segs, g) {
  let x = 0;
  for (const s of segs) {
    if (g >= s.to) { x += s.w; continue; }
    if (g <= s.from) return x;
    const f = s.log ? Math.log2(g / s.from) / Math.log2(s.to / s.from) : (g - s.from) / (s.to - s.from);
    return x + s.w * f;
  }
  return 1;
}

function size(gfns) {
  const bytes = gfns * 4096;
  const units = [["EiB", 2 ** 60], ["PiB", 2 ** 50], ["TiB", 2 ** 40], ["GiB", 2 ** 30], ["MiB", 2 ** 20],
    ["KiB", 1024]];
  for (const [u, v] of units) {
    if (bytes >= v) {
      const n = bytes / v;
      return (Number.isInteger(n) ? n : n.toFixed(1)) + " " + u;
    }
  }
  return bytes + " B";
}

const gpa = (g) => "0x" + (g * 4096).toString(16);

// ---- memtype map ----
function drawMap(snap) {
  const map = $("map");
  map.innerHTML = "";
  const ranges = snap.ranges;
  const top = ranges.length ? gfn(ranges[ranges.length - 1].end_gfn) : 0x100000;
  const segs = segments(top);
  const rows = [["mtrr", "guest MTRR (" + snap.resolver + ")", (r) => r.memtype, () => false],
    ["ept", "EPT " + snap.kernel, (r) => r.ept_memtype, (r) => r.ipat]];
  for (const [cls, label, typeOf, ipatOf] of rows) {
    const row = document.createElement("div");
    row.className = "row " + cls;
    const l = document.createElement("span");
    l.className = "rowlabel";
    l.textContent = label;
    row.appendChild(l);
    for (const r of ranges) {
      const a = scale(segs, gfn(r.start_gfn));
      const b = scale(segs, gfn(r.end_gfn));
      const d = document.createElement("div");
      d.className = "range mt-" + typeOf(r) + (ipatOf(r) ? " ipat" : "") + (r.beyond_maxphyaddr ? " beyond" : "");
      d.style.left = (a * 100) + "%";
      d.style.width = Math.max(0, (b - a) * 100) + "%";
      d.dataset.memtype = typeOf(r);
      d.title = `${gpa(gfn(r.start_gfn))}–${gpa(gfn(r.end_gfn))} (${size(gfn(r.end_gfn) - gfn(r.start_gfn))}): `
        + `MTRR ${r.memtype}, EPT ${r.ept_memtype}${r.ipat ? "|IPAT" : ""}`
        + (r.beyond_maxphyaddr ? " — beyond the guest's MAXPHYADDR" : "");
      row.appendChild(d);
    }
    map.appendChild(row);
  }
  let x = 0;
  for (const s of segs) {
    const t = document.createElement("div");
    t.className = "seg";
    t.style.left = (x * 100) + "%";
    t.style.width = (s.w * 100) + "%";
    t.textContent = s.label;
    map.appendChild(t);
    const tick = document.createElement("div");
    tick.className = "tick";
    tick.style.left = (x * 100) + "%";
    map.appendChild(tick);
    x += s.w;
  }
  map.dataset.signature = ranges.map((r) => `${r.start_gfn}-${r.end_gfn}:${r.memtype}/${r.ept_memtype}${r.ipat ? "+" : ""}`)
    .join(",");
  map.dataset.offset = snap.offset;

  const tbody = $("ranges").querySelector("tbody");
  tbody.innerHTML = "";
  for (const r of ranges) {
    const tr = document.createElement("tr");
    if (r.beyond_maxphyaddr) {
      tr.className = "beyond";
      tr.title = "beyond the guest's MAXPHYADDR";
    }
    for (const v of [gpa(gfn(r.start_gfn)), gpa(gfn(r.end_gfn)), size(gfn(r.end_gfn) - gfn(r.start_gfn)), r.memtype,
      r.ept_memtype, r.ipat ? "1" : "0"]) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

function drawLegend() {
  const l = $("legend");
  l.innerHTML = "";
  for (const m of [...MEMTYPES, "IPAT", "beyond"]) {
    const s = document.createElement("span");
    s.className = "l-" + m;
    s.textContent = m === "IPAT" ? "IPAT=1 (guest PAT ignored)" : m === "UNDEFINED" ? "undefined (SDM)"
      : m === "beyond" ? "beyond the guest's MAXPHYADDR (faded)" : m;
    l.appendChild(s);
  }
}

// ---- timeline ----
function drawLanes() {
  const lanes = $("zap-lanes");
  lanes.innerHTML = "";
  const n = state.events.length;
  const byLane = new Map(POLICIES.map((p) => [p, new Map()]));
  for (const z of state.zaps) {
    const lane = byLane.get(z.policy);
    const list = lane.get(z.trigger.offset) || [];
    list.push(z);
    lane.set(z.trigger.offset, list);
  }
  for (const p of POLICIES) {
    const lane = document.createElement("div");
    lane.className = "lane";
    lane.innerHTML = `<span class="name"></span><div class="track"></div>`;
    lane.querySelector(".name").textContent = p;
    const track = lane.querySelector(".track");
    for (const [offset, zs] of byLane.get(p)) {
      const i = state.indexOf.get(offset);
      const m = document.createElement("button");
      m.className = "zap-marker" + (zs.every((z) => z.degenerate) ? " degenerate" : "");
      m.style.left = (n > 1 ? (i / (n - 1)) * 100 : 0) + "%";
      m.dataset.offset = offset;
      m.dataset.policy = p;
      m.title = `${p}: ${zs.length} zap(s) at offset ${offset} (${zs[0].trigger.source || "no source"})`;
      m.addEventListener("click", () => selectZap(m, p, offset, zs));
      track.appendChild(m);
    }
    const cursor = document.createElement("div");
    cursor.className = "cursor-line";
    track.appendChild(cursor);
    lanes.appendChild(lane);
  }
  moveCursorLines();
}

function moveCursorLines() {
  const n = state.events.length;
  const i = Number($("timeline").value);
  for (const c of document.querySelectorAll(".cursor-line")) {
    c.style.left = (n > 1 ? (i / (n - 1)) * 100 : 0) + "%";
  }
}

function eventText(e) {
  const parts = [`@${e.offset}`, e.vcpu === null || e.vcpu === undefined ? "vm" : "vCPU " + e.vcpu, e.type];
  for (const k of ["msr", "value", "op", "gpa", "len", "cr0"]) {
    if (e[k] !== undefined) parts.push(`${k}=${e[k]}`);
  }
  parts.push(e.status + (e.reason ? ` (${e.reason})` : ""));
  if (e.source) parts.push("← " + e.source);
  if (e.ts) parts.push("t=" + e.ts);
  return parts.join("  ");
}

function currentOffset() {
  const e = state.events[Number($("timeline").value)];
  return e ? e.offset : null;
}

async function refresh() {
  if (!state.vm || !state.events.length) return;
  const seq = ++state.seq;
  const at = currentOffset();
  const e = state.events[Number($("timeline").value)];
  $("current-event").textContent = eventText(e);
  $("timeline-title").textContent = `event ${Number($("timeline").value) + 1} of ${state.events.length}, offset ${at}`;
  moveCursorLines();
  const target = $("target").value;
  const q = `at=${at}&vcpu=${encodeURIComponent(target)}&resolver=${$("resolver").value}&kernel=${$("kernel").value}`;
  try {
    const [snap, pol] = await Promise.all([api(vmPath() + "/memtype?" + q), api(vmPath() + "/policies?at=" + at)]);
    if (seq !== state.seq) return;
    $("map-title").textContent = `${state.vm.vm}, ${target === "per-vm" ? "per-VM copy" : "vCPU " + target}, offset ${at}`;
    drawMap(snap);
    drawPolicies(pol, at);
    status("");
  } catch (err) {
    if (seq !== state.seq) return;
    if (err.status === 404) {
      $("map").innerHTML = `<div class="muted" style="padding:8px"></div>`;
      $("map").firstChild.textContent = err.message;
      $("map").dataset.signature = "none@" + at;
    } else {
      status(err.message, true);
    }
  }
}

function drawPolicies(rows, at) {
  $("policies-title").textContent = `as of offset ${at}`;
  const tbody = $("policies").querySelector("tbody");
  tbody.innerHTML = "";
  const hazards = (r) => r.memtype_hazards + r.ipat_hazards + r.disagreement_hazards;
  const fewestZaps = Math.min(...rows.map((r) => r.zap_calls));
  const fewestHazards = Math.min(...rows.map(hazards));
  for (const r of rows) {
    const tr = document.createElement("tr");
    tr.dataset.policy = r.policy;
    const cells = [[r.policy, ""], [r.zap_calls, r.zap_calls === fewestZaps ? "good" : ""],
      [r.degenerate_calls, ""], [r.full_range_zaps, ""], [r.gfns_zapped, ""],
      [r.memtype_hazards, r.memtype_hazards ? "bad" : ""], [r.ipat_hazards, r.ipat_hazards ? "bad" : ""],
      [r.disagreement_hazards, r.disagreement_hazards ? "bad" : ""]];
    if (hazards(r) === fewestHazards) cells[0][1] = "good";
    for (const [v, cls] of cells) {
      const td = document.createElement("td");
      td.textContent = v;
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

async function selectZap(marker, policy, offset, zaps) {
  if (state.selected) state.selected.classList.remove("selected");
  marker.classList.add("selected");
  state.selected = marker;
  const detail = $("detail");
  detail.classList.remove("muted");
  detail.textContent = "loading…";
  $("timeline").value = state.indexOf.get(offset);
  refresh();
  try {
    const audit = await api(vmPath() + "/events/" + offset);
    const t = zaps[0].trigger;
    detail.innerHTML = "";
    const h = document.createElement("div");
    h.innerHTML = `<b></b> zapped GFNs <span class="ranges"></span><br>triggered by <span class="trig"></span>
      at <span class="source"></span><br><span class="outcome muted"></span>`;
    h.querySelector("b").textContent = policy;
    h.querySelector(".ranges").textContent = zaps.map((z) => `[${z.start_gfn}, ${z.end_gfn})`
      + (z.degenerate ? " (degenerate)" : "") + ` rule ${z.rule}`).join("; ");
    let trig = `${t.type} on ${t.vcpu === null ? "the VM" : "vCPU " + t.vcpu}`;
    if (t.msr) trig += ` MSR ${t.msr} ${t.old} → ${t.new}`;
    else if (t.toggled) trig += ` CR0 ${t.old} → ${t.new} (CD ${t.cd})`;
    else if (t.op) trig += ` ${t.op}`;
    trig += ` (${t.topic}/${t.partition}@${t.offset})`;
    h.querySelector(".trig").textContent = trig;
    h.querySelector(".source").textContent = (t.source || audit.source || "(no source)") + (t.ts ? ` (t=${t.ts})` : "");
    h.querySelector(".outcome").textContent = `outcome: ${audit.status}${audit.reason ? " (" + audit.reason + ")" : ""}`
      + (audit.changes.length ? "; changes: " + audit.changes.map((c) => `${c.what} ${c.old}→${c.new}`).join(", ") : "");
    detail.appendChild(h);
    const table = document.createElement("table");
    table.innerHTML = "<thead><tr><th>policy</th><th>zaps by this event</th><th>hazards revealed</th></tr></thead><tbody></tbody>";
    for (const [p, v] of Object.entries(audit.policies)) {
      const tr = document.createElement("tr");
      const cells = [p, v.zaps.map((z) => `[${z.start_gfn}, ${z.end_gfn})`).join(" ") || "none",
        v.hazards.map((x) => `${x.kind} [${x.start_gfn}, ${x.end_gfn})`).join(" ") || "none"];
      for (const c of cells) {
        const td = document.createElement("td");
        td.textContent = c;
        tr.appendChild(td);
      }
      table.querySelector("tbody").appendChild(tr);
    }
    detail.appendChild(table);
  } catch (err) {
    detail.textContent = err.message;
  }
}

// ---- VM selection ----
async function loadVm(name) {
  state.seq++;
  status("loading " + name + "…");
  state.vm = await api("/api/vms/" + encodeURIComponent(name));
  const target = $("target");
  target.innerHTML = "";
  for (const v of state.vm.vcpu_ids) target.add(new Option("vCPU " + v, String(v)));
  target.add(new Option("per-VM copy", "per-vm"));
  const [events, zaps] = await Promise.all([pages(vmPath() + "/events"), pages(vmPath() + "/zaps")]);
  state.events = events;
  state.indexOf = new Map(events.map((e, i) => [e.offset, i]));
  state.zaps = zaps;
  const slider = $("timeline");
  slider.max = Math.max(0, events.length - 1);
  slider.value = slider.max;
  drawLanes();
  $("detail").textContent = "Click a zap marker on the timeline to see the event that triggered it.";
  $("detail").classList.add("muted");
  document.body.dataset.vm = name;
  history.replaceState(null, "", "#vm=" + encodeURIComponent(name));
  await refresh();
}

async function init() {
  drawLegend();
  try {
    const vms = await api("/api/vms");
    const sel = $("vm");
    sel.innerHTML = "";
    sel.add(new Option(vms.length ? "— pick a VM —" : "no VMs yet", ""));
    for (const v of vms) sel.add(new Option(`${v.vm} (${v.vcpus} vCPUs, ${v.events} events)`, v.vm));
    sel.addEventListener("change", () => sel.value && loadVm(sel.value).catch((e) => status(e.message, true)));
    const wanted = new URLSearchParams(location.hash.slice(1)).get("vm");
    const pick = vms.length === 1 ? vms[0].vm : vms.some((v) => v.vm === wanted) ? wanted : null;
    if (pick) {
      sel.value = pick;
      await loadVm(pick);
    } else {
      status(vms.length + " VMs");
    }
  } catch (e) {
    status(e.message, true);
  }
  for (const id of ["target", "resolver", "kernel"]) $(id).addEventListener("change", refresh);
  $("timeline").addEventListener("input", refresh);
}

document.addEventListener("DOMContentLoaded", init);
