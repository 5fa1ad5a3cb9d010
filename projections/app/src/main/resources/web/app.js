// mtrr-ledger web view: plain JS over the read-only API of `mtrr serve`. Nothing is fetched from elsewhere.
// The timeline asks /timeline for a bounded, bucketed view of the window on screen (never the whole log), and
// /seek for next/previous; the URL's hash holds what is on screen, so a link reopens the same view.
"use strict";

const $ = (id) => document.getElementById(id);
const MEMTYPES = ["UC", "WC", "WT", "WP", "WB", "UNDEFINED"];
const MIN_WINDOW = 16;

const state = {
  vm: null,          // VM summary from /api/vms/{vm}
  first: 0, last: 0, // the VM's offsets
  from: 0, to: 0,    // the timeline window
  at: null,          // cursor: an offset of one of the VM's events
  tl: null,          // last /timeline answer
  sel: null,         // {kind: "zap"|"hazard", policy, offset, seq}
  vms: new Set(),
  seq: { tl: 0, at: 0, sel: 0 },
};

const fmt = (n) => (n === null || n === undefined ? "" : Number(n).toLocaleString("en-US"));

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

function status(text, isError) {
  const s = $("status");
  s.textContent = text || "";
  s.style.color = isError ? "#ff8a80" : "";
}

const vmPath = () => "/api/vms/" + encodeURIComponent(state.vm.vm);
const gfn = (hex) => parseInt(hex, 16);
const hex = (n) => "0x" + n.toString(16);
const filterQ = () => ($("filter").value === "" ? "" : "&vcpu=" + $("filter").value);
const policyQ = () => ($("policy").value === "" ? "" : "&policy=" + encodeURIComponent($("policy").value));

// ---- address scale: piecewise, so that the 1 MiB fixed area, the 32-bit PCI hole and high memory all show ----
// In GFNs (4 KiB pages). The fixed-MTRR MiB is cut at its 64K/16K/4K granularity boundaries.
function segments(topGfn) {
  const top = Math.max(topGfn, 0x100001);
  return [
    { from: 0x0, to: 0x80, w: 0.06, label: "0–512K" },
    { from: 0x80, to: 0xc0, w: 0.05, label: "–768K" },
    { from: 0xc0, to: 0x100, w: 0.07, label: "–1M" },
    { from: 0x100, to: 0x80000, w: 0.20, label: "1M – 2G" },
    { from: 0x80000, to: 0x100000, w: 0.27, label: "2 – 4 GiB (PCI hole)" },
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
/**
 * A GFN range said both ways, each labelled. Takes the API's hex strings (or GFN numbers): BigInt keeps GFNs above
 * 2^53, such as the end of a full-range zap, exact.
 */
function rangeText(start, end) {
  const s = BigInt(start);
  const e = BigInt(end);
  const h = (b) => "0x" + b.toString(16);
  if (e > 1n << 52n) return `GFN [${h(s)}, ${h(e)}): every GFN (a full-range zap)`;
  return `GFN [${h(s)}, ${h(e)}) = GPA [${h(s << 12n)}, ${h(e << 12n)}) (${s === e ? "empty" : size(Number(e - s))})`;
}

// ---- memtype maps ----
function drawMap(map, snap, overlays) {
  map.innerHTML = "";
  const ranges = snap.ranges;
  const top = ranges.length ? gfn(ranges[ranges.length - 1].end_gfn) : 0x100000;
  const segs = segments(top);
  map._segs = segs;
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
      d.title = `${rangeText(r.start_gfn, r.end_gfn)}: MTRR ${r.memtype}, EPT ${r.ept_memtype}`
        + (r.ipat ? "|IPAT" : "") + (r.beyond_maxphyaddr ? " — beyond the guest's MAXPHYADDR" : "");
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
    t.title = "GPA " + s.label;
    map.appendChild(t);
    const tick = document.createElement("div");
    tick.className = "tick";
    tick.style.left = (x * 100) + "%";
    map.appendChild(tick);
    x += s.w;
  }
  for (const o of overlays) {
    const a = scale(segs, o.start);
    const b = scale(segs, o.end);
    const d = document.createElement("div");
    d.className = "overlay " + o.cls;
    d.style.left = (a * 100) + "%";
    d.style.width = `max(3px, ${(b - a) * 100}%)`;
    d.dataset.startGfn = hex(o.start);
    d.dataset.endGfn = hex(o.end);
    d.title = o.label + ": " + rangeText(o.startHex, o.endHex);
    map.appendChild(d);
  }
  map.dataset.signature = ranges.map((r) => `${r.start_gfn}-${r.end_gfn}:${r.memtype}/${r.ept_memtype}${r.ipat ? "+" : ""}`)
    .join(",");
  map.dataset.offset = snap.offset;
}

function drawRanges(snap) {
  const tbody = $("ranges").querySelector("tbody");
  tbody.innerHTML = "";
  for (const r of snap.ranges) {
    const tr = document.createElement("tr");
    if (r.beyond_maxphyaddr) {
      tr.className = "beyond";
      tr.title = "beyond the guest's MAXPHYADDR";
    }
    const s = gfn(r.start_gfn);
    const e = gfn(r.end_gfn);
    for (const v of [gpa(s), gpa(e), hex(s), hex(e), size(e - s), r.memtype, r.ept_memtype, r.ipat ? "1" : "0"]) {
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
  for (const m of [...MEMTYPES, "IPAT", "beyond", "zap", "hazard"]) {
    const s = document.createElement("span");
    s.className = "l-" + m;
    s.textContent = m === "IPAT" ? "IPAT=1 (guest PAT ignored)" : m === "UNDEFINED" ? "undefined (SDM)"
      : m === "beyond" ? "beyond the guest's MAXPHYADDR (faded)" : m === "zap" ? "selected zap's GFN range"
        : m === "hazard" ? "selected hazard's GFN range" : m;
    l.appendChild(s);
  }
}

function targetLabel(v) {
  return v === "per-vm" ? "per-VM copy" : "vCPU " + v;
}

/** Overlays for the maps: the selected zap's ranges (all zaps of its policy at that event) or hazard's range. */
function overlays() {
  const s = state.sel;
  if (!s || !s.ranges) return [];
  return s.ranges.map((r) => ({ start: gfn(r[0]), end: gfn(r[1]), startHex: r[0], endHex: r[1], cls: s.kind, label: s.kind === "zap" ? `${s.policy} zap` : `${s.policy} hazard` }));
}

async function refreshMaps() {
  if (!state.vm || state.at === null) return;
  const seq = ++state.seq.at;
  const at = state.at;
  const base = `at=${at}&resolver=${$("resolver").value}&kernel=${$("kernel").value}`;
  const a = $("target").value;
  const b = $("compare").value;
  $("map2-box").hidden = b === "";
  try {
    const [snap, snap2, pol] = await Promise.all([api(vmPath() + "/memtype?" + base + "&vcpu=" + encodeURIComponent(a)),
      b === "" ? null : api(vmPath() + "/memtype?" + base + "&vcpu=" + encodeURIComponent(b)),
      api(vmPath() + "/policies?at=" + at)]);
    if (seq !== state.seq.at) return;
    $("map-title").textContent = `${state.vm.vm} at offset ${fmt(at)} · x: GPA (piecewise scale)`;
    $("map-label").textContent = targetLabel(a);
    drawMap($("map"), snap, overlays());
    drawRanges(snap);
    $("ranges-title").textContent = `${targetLabel(a)} at offset ${fmt(at)}`;
    if (snap2) {
      $("map2-label").textContent = targetLabel(b);
      drawMap($("map2"), snap2, overlays());
    } else {
      $("map2").innerHTML = "";
      $("map2").dataset.signature = "";
    }
    drawPolicies(pol, at);
  } catch (err) {
    if (seq !== state.seq.at) return;
    status(err.message, true);
  }
}

function drawPolicies(rows, at) {
  $("policies-title").textContent = `as of offset ${fmt(at)}`;
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
    cells.forEach(([v, cls], i) => {
      const td = document.createElement("td");
      td.textContent = i === 0 ? v : fmt(v);
      if (cls) td.className = cls;
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  }
}

// ---- timeline ----
const frac = (offset) => (offset - state.from + 0.5) / (state.to - state.from + 1);
const offsetAt = (f) => Math.round(state.from - 0.5 + f * (state.to - state.from + 1));

function track() {
  return $("timeline-view").querySelector(".axis .track");
}

async function loadTimeline() {
  if (!state.vm) return;
  const seq = ++state.seq.tl;
  const width = Math.max(200, $("timeline-view").clientWidth - 200);
  const buckets = Math.min(2000, Math.max(50, Math.floor(width / 2)));
  try {
    const tl = await api(`${vmPath()}/timeline?from=${state.from}&to=${state.to}&buckets=${buckets}${filterQ()}`);
    if (seq !== state.seq.tl) return;
    state.tl = tl;
    drawTimeline();
  } catch (err) {
    if (seq === state.seq.tl) status(err.message, true);
  }
}

function drawTimeline() {
  const tl = state.tl;
  const view = $("timeline-view");
  view.innerHTML = "";
  view.dataset.from = tl.from;
  view.dataset.to = tl.to;
  const hasTs = tl.bucket_ts.some((t) => t !== null);
  view.dataset.axis = hasTs ? "ts" : "offset";
  const span = tl.to - tl.from + 1;
  $("window-label").textContent = `offsets ${fmt(tl.from)}–${fmt(tl.to)} of ${fmt(tl.first_offset)}–${fmt(tl.last_offset)}`
    + ` · ${fmt(tl.events_in_window)} events` + (tl.vcpu !== null ? ` of vCPU ${tl.vcpu}` : "")
    + ` · ${fmt(tl.hazards_in_window)} hazards` + (span < tl.last_offset - tl.first_offset + 1
    ? ` · zoom ×${fmt(Math.round((tl.last_offset - tl.first_offset + 1) / span))}` : "");

  // the axis: trace time when the log has it (the first event of the bucket), else offsets
  const axis = lane("axis", hasTs ? "trace time (s)" : "offset");
  const n = tl.buckets;
  const ticks = Math.min(8, n);
  for (let k = 0; k < ticks; k++) {
    const i = Math.floor((k * n) / ticks);
    const off = Math.round(tl.from + i * tl.bucket_width);
    const t = document.createElement("div");
    t.className = "axis-tick";
    t.style.left = (i / n) * 100 + "%";
    const ts = tl.bucket_ts[i];
    t.innerHTML = "<b></b><br><span></span>";
    t.querySelector("b").textContent = hasTs ? (ts === null ? "–" : ts) : "@" + fmt(off);
    t.querySelector("span").textContent = hasTs ? "@" + fmt(off) : "";
    axis.track.appendChild(t);
  }
  view.appendChild(axis.el);

  const ev = lane("events", "events" + (tl.vcpu !== null ? " (vCPU " + tl.vcpu + ")" : ""));
  ev.track.appendChild(densityCanvas(tl.events, "#607d8b", 0.35, true));
  view.appendChild(ev.el);

  for (const l of tl.lanes) {
    const L = lane("policy", l.policy);
    L.el.dataset.policy = l.policy;
    L.el.dataset.mode = l.zap_marks ? "marks" : "density";
    L.el.dataset.hazardMode = l.hazard_marks ? "marks" : "density";
    if (l.policy === $("policy").value) L.el.classList.add("chosen");
    L.name.title = `${l.policy}: ${fmt(l.zaps)} zaps, ${fmt(l.hazards)} hazards in this window`;
    L.count.textContent = fmt(l.zaps) + (l.hazards ? " / " + fmt(l.hazards) + "▲" : "");
    if (l.zap_marks) {
      place(L.track, l.zap_marks, "zap", (m) => {
        const b = document.createElement("button");
        b.className = "zap-marker" + (m.degenerate ? " degenerate" : "");
        b.dataset.seq = m.seq;
        b.title = `${l.policy}: ${m.count} zap(s) at offset ${fmt(m.offset)}`
          + (m.vcpu === null ? " (VM-scoped event)" : ` by vCPU ${m.vcpu}`) + `, first ${rangeText(m.start_gfn, m.end_gfn)}`;
        b.addEventListener("click", (e) => {
          e.stopPropagation();
          select({ kind: "zap", policy: l.policy, offset: m.offset, seq: m.seq }, true);
        });
        return b;
      }, l.policy);
    } else {
      const c = densityCanvas(l.zap_density, "#1565c0", 0.15);
      c.classList.add("zap-density");
      c.dataset.policy = l.policy;
      c.title = `${l.policy}: ${fmt(l.zaps)} zaps here, too dense for single marks: click to zoom in`;
      L.track.appendChild(c);
    }
    if (l.hazard_marks) {
      place(L.track, l.hazard_marks, "hazard", (h) => {
        const b = document.createElement("button");
        b.className = "hazard-marker";
        b.dataset.seq = h.seq;
        b.title = (h.count > 1 ? `${h.count} hazards; first: ` : "") + `${l.policy}: ${h.kind} hazard at offset ${fmt(h.offset)}: stale ${(h.stale || h.other_vcpus_memtypes).join(", ")}`
          + `, demanded ${h.demanded}, ${rangeText(h.start_gfn, h.end_gfn)}`;
        b.addEventListener("click", (e) => {
          e.stopPropagation();
          select({ kind: "hazard", policy: l.policy, offset: h.offset, seq: h.seq }, true);
        });
        return b;
      }, l.policy);
    } else if (l.hazards) {
      const c = densityCanvas(l.hazard_density, "#c62828", 0.2);
      c.classList.add("hazard-density");
      c.dataset.policy = l.policy;
      c.title = `${l.policy}: ${fmt(l.hazards)} hazards here: click to zoom in`;
      L.track.appendChild(c);
    }
    view.appendChild(L.el);
  }
  const cursor = document.createElement("div");
  cursor.className = "cursor-line";
  cursor.id = "cursor-line";
  view.appendChild(cursor);
  markSelection();
  moveCursorLine();
}

/**
 * Puts marks on a lane; marks closer than a marker's width to the previous one join it in a cluster (a wider mark
 * with its count; clicking it zooms in on it), so every single mark on screen can be clicked.
 */
function place(trackEl, marks, kind, single, policy) {
  const w = $("timeline-view").clientWidth - 200;
  const groups = [];
  for (const m of marks) {
    const x = frac(m.offset) * w;
    const g = groups[groups.length - 1];
    if (g && g.items[g.items.length - 1].offset === m.offset) continue; // one mark per event; the panel lists all
    if (g && x - g.x1 < 8) {
      g.items.push(m);
      g.x1 = x;
    } else {
      groups.push({ x0: x, x1: x, items: [m] });
    }
  }
  for (const g of groups) {
    let el;
    if (g.items.length === 1) {
      el = single(g.items[0]);
      el.style.left = (g.x0 / w) * 100 + "%";
    } else {
      const first = g.items[0].offset;
      const last = g.items[g.items.length - 1].offset;
      el = document.createElement("button");
      el.className = kind + "-cluster";
      el.style.left = `calc(${(g.x0 / w) * 100}% - 3px)`;
      el.style.width = (g.x1 - g.x0 + 6) + "px";
      el.title = `${policy}: ${g.items.length} ${kind} marks at offsets ${fmt(first)}–${fmt(last)}: click to zoom in`;
      el.addEventListener("click", (e) => {
        e.stopPropagation();
        const span = Math.max(MIN_WINDOW, (last - first + 1) * 4);
        setWindow(Math.round((first + last) / 2 - span / 2), Math.round((first + last) / 2 + span / 2));
      });
    }
    el.dataset.offset = g.items[0].offset;
    el.dataset.policy = policy;
    trackEl.appendChild(el);
  }
}

function lane(cls, label) {
  const el = document.createElement("div");
  el.className = "lane " + cls;
  el.innerHTML = `<span class="name"><span class="label"></span><span class="count"></span></span><div class="track"></div>`;
  el.querySelector(".label").textContent = label;
  return { el, name: el.querySelector(".name"), count: el.querySelector(".count"), track: el.querySelector(".track") };
}

/**
 * One lane's per-bucket counts as shades of one colour (log scale, so a single zap still shows), or as bars of
 * linear height (the events lane: where the log is busy).
 */
function densityCanvas(counts, colour, floor, bars) {
  const c = document.createElement("canvas");
  const w = Math.max(1, $("timeline-view").clientWidth - 200);
  c.width = w;
  c.height = 12;
  c.className = "density";
  const g = c.getContext("2d");
  const max = Math.max(1, ...counts);
  g.fillStyle = colour;
  counts.forEach((v, i) => {
    if (!v) return;
    const x0 = Math.floor((i / counts.length) * w);
    const x1 = Math.max(x0 + 1, Math.floor(((i + 1) / counts.length) * w));
    if (bars) {
      const h = Math.max(1, Math.round((12 * v) / max));
      g.globalAlpha = 1;
      g.fillRect(x0, 12 - h, x1 - x0, h);
    } else {
      g.globalAlpha = floor + (1 - floor) * Math.log1p(v) / Math.log1p(max);
      g.fillRect(x0, 0, x1 - x0, 12);
    }
  });
  return c;
}

function moveCursorLine() {
  const c = $("cursor-line");
  const t = track();
  if (!c || !t || state.at === null) return;
  const f = frac(state.at);
  c.hidden = f < 0 || f > 1;
  c.style.left = (t.offsetLeft + f * t.clientWidth) + "px";
}

function markSelection() {
  for (const m of document.querySelectorAll(".zap-marker.selected, .hazard-marker.selected")) m.classList.remove("selected");
  const s = state.sel;
  if (!s) return;
  const m = document.querySelector(`.${s.kind}-marker[data-policy="${s.policy}"][data-offset="${s.offset}"]`);
  if (m) m.classList.add("selected");
}

function setWindow(from, to) {
  const span = Math.max(MIN_WINDOW, to - from + 1);
  const whole = state.last - state.first + 1;
  if (span >= whole) {
    from = state.first;
    to = state.last;
  } else {
    from = Math.min(Math.max(state.first, from), state.last - span + 1);
    to = from + span - 1;
  }
  if (from === state.from && to === state.to && state.tl) return;
  state.from = from;
  state.to = to;
  writeUrl();
  loadTimeline();
}

function zoom(factor, centre) {
  const c = centre === undefined ? (state.at !== null && state.at >= state.from && state.at <= state.to ? state.at
    : (state.from + state.to) / 2) : centre;
  const span = (state.to - state.from + 1) * factor;
  const f = (c - state.from) / (state.to - state.from + 1);
  const from = Math.round(c - f * span);
  setWindow(from, from + Math.round(span) - 1);
}

function pan(fraction) {
  const d = Math.round((state.to - state.from + 1) * fraction);
  setWindow(state.from + d, state.to + d);
}

/** Keeps the cursor on screen: pans the window when a step leaves it. */
function follow(offset) {
  if (offset < state.from || offset > state.to) {
    const span = state.to - state.from + 1;
    setWindow(offset - Math.floor(span / 2), offset - Math.floor(span / 2) + span - 1);
  }
}

function installTimelineInput() {
  const view = $("timeline-view");
  let drag = null;
  view.addEventListener("wheel", (e) => {
    const t = track();
    if (!t) return;
    e.preventDefault();
    const r = t.getBoundingClientRect();
    const centre = offsetAt((e.clientX - r.left) / r.width);
    zoom(e.deltaY > 0 ? 1.5 : 1 / 1.5, centre);
  }, { passive: false });
  view.addEventListener("mousedown", (e) => {
    if (e.button !== 0 || e.target.closest("button")) return;
    drag = { x: e.clientX, from: state.from, to: state.to, moved: false };
  });
  window.addEventListener("mousemove", (e) => {
    if (!drag) return;
    const t = track();
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 4) drag.moved = true;
    if (drag.moved && t) {
      const d = Math.round((-dx / t.clientWidth) * (drag.to - drag.from + 1));
      setWindow(drag.from + d, drag.to + d);
    }
  });
  window.addEventListener("mouseup", (e) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    if (d.moved) return;
    const t = track();
    if (!t) return;
    const r = t.getBoundingClientRect();
    const f = (e.clientX - r.left) / r.width;
    if (f < 0 || f > 1) return;
    if (e.target.classList.contains("density") && e.target.closest(".lane.policy")) {
      zoom(1 / 4, offsetAt(f));
    } else {
      moveTo(offsetAt(f), "snap");
    }
  });
}

// ---- the cursor and the selection ----

/** Moves the cursor to an event: "snap" finds the VM's first event at or after offset (under the vCPU filter). */
async function moveTo(offset, how, keepSelection) {
  let at = offset;
  if (how === "snap") {
    const s = await api(`${vmPath()}/seek?what=event&direction=next&from=${Math.max(0, offset - 1)}${filterQ()}`);
    if (!s.found) {
      const p = await api(`${vmPath()}/seek?what=event&direction=prev&from=${offset}${filterQ()}`);
      if (!p.found) return;
      at = p.offset;
    } else {
      at = s.offset;
    }
  }
  state.at = Math.min(state.last, Math.max(state.first, at));
  follow(state.at);
  moveCursorLine();
  writeUrl();
  showEvent();
  refreshMaps();
  if (!keepSelection) followSelection();
}

async function step(what, direction) {
  if (!state.vm || state.at === null) return;
  const q = `what=${what}&direction=${direction}&from=${state.at}${filterQ()}${what === "zap" ? policyQ() : ""}`;
  try {
    const s = await api(`${vmPath()}/seek?${q}`);
    if (!s.found) {
      status(`no ${direction === "next" ? "later" : "earlier"} ${what}` + ($("filter").value === "" ? "" : " of vCPU " + $("filter").value)
        + (what === "zap" && $("policy").value ? " of " + $("policy").value : ""));
      return;
    }
    status("");
    if (what === "event") {
      moveTo(s.offset);
    } else {
      select({ kind: what, policy: s.policy, offset: s.offset, seq: s.seq }, true);
    }
  } catch (err) {
    status(err.message, true);
  }
}

/** The selected-zap panel follows the cursor: the chosen policy's latest zap at or before it. */
async function followSelection() {
  const seq = ++state.seq.sel;
  const s = await api(`${vmPath()}/seek?what=zap&direction=prev&from=${state.at + 1}${filterQ()}${policyQ()}`)
    .catch(() => ({ found: false }));
  if (seq !== state.seq.sel) return;
  if (s.found) {
    select({ kind: "zap", policy: s.policy, offset: s.offset, seq: s.seq, followed: true }, false);
  } else {
    state.sel = null;
    markSelection();
    $("detail-title").textContent = "";
    $("detail").dataset.selected = "";
    $("detail").classList.add("muted");
    $("detail").textContent = `No zap${$("policy").value ? " of " + $("policy").value : ""} at or before offset ${fmt(state.at)}`
      + ($("filter").value === "" ? "" : " on vCPU " + $("filter").value) + ".";
    writeUrl();
    refreshMaps();
  }
}

/** Selects a zap or hazard; {@code move} puts the cursor on its event. */
async function select(sel, move) {
  const seq = ++state.seq.sel;
  state.sel = sel;
  if (move) {
    moveTo(sel.offset, null, true);
    follow(sel.offset);
  }
  markSelection();
  writeUrl();
  const detail = $("detail");
  try {
    const audit = await api(vmPath() + "/events/" + sel.offset);
    if (seq !== state.seq.sel) return;
    const mine = audit.policies[sel.policy];
    if (sel.kind === "zap") {
      sel.ranges = mine.zaps.map((z) => [z.start_gfn, z.end_gfn]);
    } else {
      const h = mine.hazards[sel.seq] || mine.hazards[0];
      sel.ranges = h ? [[h.start_gfn, h.end_gfn]] : [];
    }
    detail.dataset.selected = `${sel.kind}:${sel.policy}:${sel.offset}:${sel.seq}`;
    detail.classList.remove("muted");
    detail.innerHTML = "";
    $("detail-title").textContent = sel.kind === "zap"
      ? (sel.followed ? `zap: ${sel.policy}'s latest at or before the cursor` : `zap of ${sel.policy}`)
      : `hazard of ${sel.policy}`;
    detail.appendChild(sel.kind === "zap" ? zapDetail(sel, audit, mine) : hazardDetail(sel, audit, mine));
    detail.appendChild(auditTable(audit));
    refreshMaps();
  } catch (err) {
    if (seq === state.seq.sel) detail.textContent = err.message;
  }
}

function triggerText(t) {
  let s = `${t.type} on ${t.vcpu === null || t.vcpu === undefined ? "the VM" : "vCPU " + t.vcpu}`;
  if (t.msr) s += ` MSR ${t.msr} ${t.old ?? ""} → ${t.new ?? t.value}`;
  else if (t.type === "cr0_write") s += ` CR0 → ${t.value ?? t.new}`;
  else if (t.op) s += ` ${t.op}`;
  return s + ` (${t.topic}/${t.partition} offset ${fmt(t.offset)})`;
}

function zapDetail(sel, audit, mine) {
  const h = document.createElement("div");
  h.innerHTML = `<b class="pol"></b> zapped <span class="ranges"></span><br>triggered by <span class="trig"></span>
    at <span class="source"></span><br><span class="outcome muted"></span>`;
  h.querySelector(".pol").textContent = sel.policy;
  h.querySelector(".ranges").textContent = mine.zaps.map((z) => rangeText(z.start_gfn, z.end_gfn)
    + (z.degenerate ? " (degenerate)" : "") + ` by rule ${z.rule}`).join("; ");
  h.querySelector(".trig").textContent = triggerText(audit);
  sourceAndOutcome(h, audit);
  return h;
}

function hazardDetail(sel, audit, mine) {
  const x = mine.hazards[sel.seq] || mine.hazards[0];
  const h = document.createElement("div");
  h.className = "hazard-detail";
  if (!x) {
    h.textContent = "no hazard here";
    return h;
  }
  const stale = x.stale || x.other_vcpus_memtypes || [];
  h.innerHTML = `<b class="pol"></b>: <b class="kind"></b> hazard on <span class="ranges"></span><br>
    stale memtype(s): <span class="stale bad"></span>, the guest's MTRRs demand <span class="demanded good"></span><br>
    check point: <span class="trig"></span> at <span class="source"></span><br><span class="miss"></span><br>
    <span class="outcome muted"></span>`;
  h.querySelector(".pol").textContent = sel.policy;
  h.querySelector(".kind").textContent = x.kind;
  h.querySelector(".ranges").textContent = rangeText(x.start_gfn, x.end_gfn);
  h.querySelector(".stale").textContent = (x.other_vcpus_memtypes ? "other vCPUs' MTRR types " : "") + stale.join(", ");
  h.querySelector(".demanded").textContent = x.demanded;
  h.querySelector(".trig").textContent = triggerText(audit);
  const miss = h.querySelector(".miss");
  if (x.missing_zap) {
    const m = x.missing_zap;
    miss.textContent = `The zap that would have cleared it: ${rangeText(m.start_gfn, m.end_gfn)}, after offset `
      + `${fmt(m.after_offset)} and before offset ${fmt(m.before_offset)}. `;
    const go = document.createElement("button");
    go.className = "goto-since";
    go.textContent = "go to offset " + fmt(m.after_offset);
    go.addEventListener("click", () => moveTo(m.after_offset));
    miss.appendChild(go);
  } else {
    miss.textContent = "No single zap would have cleared it (the vCPUs' MTRRs disagree).";
  }
  sourceAndOutcome(h, audit);
  return h;
}

function sourceAndOutcome(h, audit) {
  h.querySelector(".source").textContent = (audit.source || "(no source)") + (audit.ts ? ` (t=${audit.ts})` : "");
  h.querySelector(".outcome").textContent = `outcome: ${audit.status}${audit.reason ? " (" + audit.reason + ")" : ""}`
    + (audit.changes.length ? "; changes: " + audit.changes.map((c) => `${c.what} ${c.old}→${c.new}`).join(", ") : "");
}

function auditTable(audit) {
  const box = document.createElement("details");
  box.innerHTML = "<summary>what every policy did at this event</summary>";
  const table = document.createElement("table");
  box.appendChild(table);
  table.innerHTML = "<thead><tr><th>policy</th><th>zaps by this event (GFN ranges)</th><th>hazards revealed (GFN ranges)</th></tr></thead><tbody></tbody>";
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
  return box;
}

async function showEvent() {
  const at = state.at;
  try {
    const e = await api(vmPath() + "/events/" + at);
    if (at !== state.at) return;
    const parts = [`@${fmt(e.offset)}`, e.vcpu === null || e.vcpu === undefined ? "vm" : "vCPU " + e.vcpu, e.type];
    for (const k of ["msr", "value", "op", "gpa", "len"]) {
      if (e[k] !== undefined && e[k] !== null) parts.push(`${k}=${e[k]}`);
    }
    parts.push(e.status + (e.reason ? ` (${e.reason})` : ""));
    if (e.source) parts.push("← " + e.source);
    if (e.ts) parts.push("t=" + e.ts);
    $("current-event").textContent = parts.join("  ");
    $("timeline-title").textContent = `cursor at offset ${fmt(at)}` + (e.ts ? `, t=${e.ts} s` : "");
  } catch (err) {
    $("current-event").textContent = err.message;
  }
}

// ---- the URL ----
function writeUrl() {
  if (!state.vm) return;
  const p = new URLSearchParams();
  p.set("vm", state.vm.vm);
  if (state.at !== null) p.set("at", state.at);
  p.set("vcpu", $("target").value);
  if ($("compare").value !== "") p.set("compare", $("compare").value);
  if ($("filter").value !== "") p.set("filter", $("filter").value);
  if ($("policy").value !== "") p.set("policy", $("policy").value);
  if (state.sel) p.set(state.sel.kind, `${state.sel.policy}:${state.sel.offset}:${state.sel.seq}`);
  if (state.from !== state.first || state.to !== state.last) p.set("window", state.from + "-" + state.to);
  if ($("resolver").value !== "kvm") p.set("resolver", $("resolver").value);
  if ($("kernel").value !== "v6.4") p.set("kernel", $("kernel").value);
  const hash = "#" + p.toString();
  if (location.hash !== hash) history.replaceState(null, "", hash);
}

function setSelect(id, value) {
  const s = $(id);
  if (value !== null && [...s.options].some((o) => o.value === value)) s.value = value;
}

// ---- VM selection ----
async function loadVm(name, wanted) {
  const w = wanted || new URLSearchParams();
  state.seq.tl++;
  state.seq.at++;
  state.seq.sel++;
  status("loading " + name + "…");
  state.vm = await api("/api/vms/" + encodeURIComponent(name));
  $("vm").value = name;
  const tl = await api(vmPath() + "/timeline?buckets=1");
  state.first = tl.first_offset;
  state.last = tl.last_offset;
  for (const id of ["target", "compare", "filter"]) {
    const s = $(id);
    s.innerHTML = "";
    if (id === "compare") s.add(new Option("—", ""));
    if (id === "filter") s.add(new Option("all vCPUs", ""));
    for (const v of state.vm.vcpu_ids) s.add(new Option("vCPU " + v, String(v)));
    if (id !== "filter") s.add(new Option("per-VM copy", "per-vm"));
  }
  const pol = $("policy");
  pol.innerHTML = "";
  pol.add(new Option("all policies", ""));
  for (const l of tl.lanes) pol.add(new Option(l.policy, l.policy));
  setSelect("target", w.get("vcpu"));
  setSelect("compare", w.get("compare"));
  setSelect("filter", w.get("filter"));
  setSelect("policy", w.get("policy"));
  setSelect("resolver", w.get("resolver"));
  setSelect("kernel", w.get("kernel"));
  const win = /^(\d+)-(\d+)$/.exec(w.get("window") || "");
  state.from = state.first;
  state.to = state.last;
  state.tl = null;
  state.sel = null;
  if (win) setWindow(Number(win[1]), Number(win[2]));
  else loadTimeline();
  document.body.dataset.vm = name;
  const at = w.get("at");
  const picked = ["zap", "hazard"].map((k) => [k, /^(.+):(\d+):(\d+)$/.exec(w.get(k) || "")]).find(([, m]) => m);
  state.at = at !== null && /^\d+$/.test(at) ? Math.min(state.last, Math.max(state.first, Number(at))) : state.last;
  if (picked) {
    const [kind, m] = picked;
    await moveTo(state.at, "snap", true);
    await select({ kind, policy: m[1], offset: Number(m[2]), seq: Number(m[3]) }, false);
  } else {
    await moveTo(state.at, "snap");
  }
  status("");
}

/** The open VM got events: a window that reached its end keeps reaching it (the whole log stays whole). */
function grow(last) {
  const atEnd = state.to === state.last;
  const whole = atEnd && state.from === state.first;
  state.last = last;
  if (whole) setWindow(state.first, last);
  else if (atEnd) setWindow(state.from, last);
}

async function pollVms(initial) {
  const vms = await api("/api/vms");
  const sel = $("vm");
  if (initial) sel.innerHTML = "";
  const added = [];
  for (const v of vms) {
    const label = `${v.vm} (${fmt(v.vcpus)} vCPUs, ${fmt(v.events)} events)`;
    const existing = [...sel.options].find((o) => o.value === v.vm);
    if (existing) {
      existing.textContent = label;
      if (state.vm && v.vm === state.vm.vm && v.latest_offset > state.last) grow(v.latest_offset);
      continue;
    }
    sel.add(new Option(label, v.vm));
    if (!initial) added.push(v.vm);
    state.vms.add(v.vm);
  }
  if (!vms.length && initial) sel.add(new Option("no VMs yet", ""));
  if (added.length) {
    const placeholder = [...sel.options].find((o) => o.value === "");
    if (placeholder) placeholder.remove();
    status("new VM" + (added.length > 1 ? "s" : "") + ": " + added.join(", "));
    if (!state.vm) await loadVm(sel.options[0].value);
  }
  document.body.dataset.vms = vms.length;
  return vms;
}

async function init() {
  drawLegend();
  installTimelineInput();
  try {
    const vms = await pollVms(true);
    const wanted = new URLSearchParams(location.hash.slice(1));
    // a deep link's VM, else the first VM
    const pick = vms.some((v) => v.vm === wanted.get("vm")) ? wanted.get("vm") : vms.length ? vms[0].vm : null;
    if (pick) await loadVm(pick, wanted);
    else status("no VMs yet: the list refreshes by itself");
  } catch (e) {
    status(e.message, true);
  }
  // /api/vms decodes every VM's summary: poll gently, and not at all while the tab is hidden
  setInterval(() => document.hidden || pollVms(false).catch(() => {}), 5000);
  $("vm").addEventListener("change", () => $("vm").value && loadVm($("vm").value).catch((e) => status(e.message, true)));
  for (const id of ["target", "compare", "resolver", "kernel"]) $(id).addEventListener("change", () => { writeUrl(); refreshMaps(); });
  $("filter").addEventListener("change", () => { writeUrl(); loadTimeline(); followSelection(); });
  $("policy").addEventListener("change", () => {
    writeUrl();
    if (state.tl) drawTimeline();
    followSelection();
  });
  const buttons = { "prev-event": () => step("event", "prev"), "next-event": () => step("event", "next"),
    "prev-zap": () => step("zap", "prev"), "next-zap": () => step("zap", "next"),
    "prev-hazard": () => step("hazard", "prev"), "next-hazard": () => step("hazard", "next"),
    "zoom-in": () => zoom(1 / 2), "zoom-out": () => zoom(2), "pan-left": () => pan(-0.25), "pan-right": () => pan(0.25),
    "zoom-reset": () => setWindow(state.first, state.last) };
  for (const [id, f] of Object.entries(buttons)) $(id).addEventListener("click", f);
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "SELECT" || e.target.tagName === "INPUT" || e.ctrlKey || e.metaKey || e.altKey) return;
    const keys = { ArrowLeft: "prev-event", ArrowRight: "next-event", z: "next-zap", Z: "prev-zap", h: "next-hazard",
      H: "prev-hazard", "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", PageUp: "pan-left", PageDown: "pan-right",
      0: "zoom-reset" };
    const id = keys[e.key];
    if (!id) return;
    e.preventDefault();
    buttons[id]();
  });
  window.addEventListener("hashchange", () => {
    const wanted = new URLSearchParams(location.hash.slice(1));
    if (wanted.get("vm") && state.vms.has(wanted.get("vm"))) loadVm(wanted.get("vm"), wanted).catch((e) => status(e.message, true));
  });
  window.addEventListener("resize", () => state.tl && loadTimeline());
}

document.addEventListener("DOMContentLoaded", init);
