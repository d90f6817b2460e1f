// EmotionML's page: upload or record a clip, post it to /api/predict (and /api/predict/segments for long clips),
// draw the probabilities and the timeline, keep a history in localStorage. No external script, font or CDN.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const HISTORY_KEY = "emotionml.history.v1";
  const HISTORY_MAX = 50;
  const TIMELINE_MIN_SECONDS = 6;
  const PROFILE_MAX_CLIPS = 16;
  const COLORS = ["#64748b", "#0ea5e9", "#f59e0b", "#6366f1", "#dc2626", "#9333ea", "#16a34a", "#ec4899", "#0d9488", "#a16207"];
  let model = null;
  let recorder = null;

  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "class") node.className = v; else if (k === "style") node.setAttribute("style", v); else node[k] = v;
    }
    for (const c of children) node.append(c);
    return node;
  };
  const colorOf = (label) => COLORS[Math.max(0, (model?.labels ?? []).indexOf(label)) % COLORS.length];
  const percent = (p) => `${(100 * p).toFixed(1)}\u202f%`;

  // ---- the model panel ----
  async function loadModel() {
    try {
      const response = await fetch("/api/model");
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      model = await response.json();
      renderModel();
    } catch (e) {
      $("model").textContent = `The model description could not be loaded (${e.message}).`;
    }
  }

  function renderModel() {
    const box = $("model");
    box.replaceChildren();
    box.className = "model";
    const dl = el("dl");
    const add = (term, value) => dl.append(el("dt", { textContent: term }), el("dd", { textContent: value }));
    add("Emotions", model.labels.join(", "));
    add("Trained on", `${model.trainingData.corpus}: ${model.trainingData.clips} clips, ${model.trainingData.speakers} speakers`);
    if (model.cnn && model.cnn.weight >= 1) {
      add("Model", "a CNN on the log-mel spectrogram (imported ONNX)");
    } else if (model.cnn) {
      add("Model", `${model.trainer} on pooled features (${percent(1 - model.cnn.weight)}) blended with a CNN on the log-mel spectrogram (${percent(model.cnn.weight)})`
        + (model.cnn.cnnAloneOutOfDomain ? "; the CNN alone for recordings unlike the training data" : ""));
      add("Blend chosen", model.cnn.selection);
    } else {
      add("Model", `${model.trainer} on pooled features`);
    }
    if (model.accuracy) {
      add("Accuracy", `${percent(model.accuracy.accuracy)} (macro-F1 ${model.accuracy.macroF1.toFixed(3)}) on speakers it never saw`);
      add("Measured by", model.accuracy.protocol);
    } else {
      add("Accuracy", "not recorded in this model");
    }
    if (model.calibration) {
      add("Confidence", `calibrated (${model.calibration.method}, T = ${model.calibration.temperature.toFixed(2)}`
        + (model.calibration.expectedCalibrationError != null ? `, calibration error ${model.calibration.expectedCalibrationError.toFixed(3)})` : ")"));
    }
    box.append(dl);
    const sn = model.speakerNormalization;
    if (sn.required) {
      box.append(el("p", { textContent: `This model adapts to each speaker: it needs at least ${sn.minimumClips} earlier clip(s) of you, recorded or uploaded in this browser, and does better with more.` }));
    }
    if (sn.curve.length > 0) {
      const table = el("table", { class: "curve" });
      table.append(el("caption", { className: "muted small", textContent: "Accuracy by enrolment clips of the speaker (held-out speakers)" }));
      table.append(el("tr", {}, el("th", { textContent: "clips" }), el("th", { textContent: "accuracy" }), el("th", { textContent: "macro-F1" })));
      for (const p of sn.curve) {
        table.append(el("tr", {}, el("td", { textContent: p.clips === 0 ? "all" : String(p.clips) }),
          el("td", { textContent: percent(p.accuracy) }), el("td", { textContent: p.macroF1.toFixed(3) })));
      }
      box.append(table);
    }
    if (model.confusionMatrixUrl) {
      box.append(el("p", { className: "muted small", textContent: "Confusion matrix (rows: true emotion, columns: predicted), from the same evaluation:" }));
      box.append(el("img", { src: model.confusionMatrixUrl, alt: "Confusion matrix of the model's evaluation on held-out speakers", loading: "lazy" }));
    }
    updateProfileStatus();
  }

  // ---- speaker profile (only for speaker-normalised models): earlier clips, kept in IndexedDB ----
  const db = () => new Promise((resolve, reject) => {
    const open = indexedDB.open("emotionml", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("clips", { autoIncrement: true });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  async function profileClips() {
    const d = await db();
    return new Promise((resolve) => {
      const request = d.transaction("clips").objectStore("clips").getAll();
      request.onsuccess = () => resolve(request.result.slice(-PROFILE_MAX_CLIPS));
      request.onerror = () => resolve([]);
    });
  }
  async function rememberClip(blob) {
    const d = await db();
    d.transaction("clips", "readwrite").objectStore("clips").add(blob);
  }
  async function updateProfileStatus() {
    const status = $("profile-status");
    if (!model?.speakerNormalization.required) { status.hidden = true; return; }
    const count = (await profileClips()).length;
    status.hidden = false;
    status.textContent = `Speaker profile: ${count} earlier clip(s) of you in this browser; at least ${model.speakerNormalization.minimumClips} needed.`;
  }

  // ---- analysing ----
  function setBusy(busy, message) {
    $("result-card").setAttribute("aria-busy", String(busy));
    $("status").textContent = message;
    $("status").hidden = !message;
  }
  function showError(message) {
    $("error").textContent = message;
    $("error").hidden = !message;
  }

  async function post(url, blob, name, enrol) {
    const form = new FormData();
    form.append("file", blob, name);
    for (const [i, clip] of enrol.entries()) form.append("enrol", clip, `enrol-${i}.wav`);
    const response = await fetch(url, { method: "POST", body: form });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const reason = body?.detail || body?.title || `HTTP ${response.status}`;
      throw new Error(response.status === 503 ? `The server is busy: ${reason}` : reason);
    }
    return body;
  }

  async function analyse(blob, name) {
    showError("");
    $("result").hidden = true;
    $("timeline-block").hidden = true;
    const player = $("player");
    if (player.src) URL.revokeObjectURL(player.src);
    player.src = URL.createObjectURL(blob);
    player.hidden = false;
    setBusy(true, `Analysing ${name}…`);
    try {
      const enrol = model?.speakerNormalization.required ? await profileClips() : [];
      const result = await post("/api/predict", blob, name, enrol);
      renderResult(result);
      addHistory({ name, when: new Date().toISOString(), label: result.label, confidence: result.confidence, duration: result.durationSeconds });
      if (model?.speakerNormalization.required) { await rememberClip(blob); updateProfileStatus(); }
      if (result.durationSeconds >= TIMELINE_MIN_SECONDS) {
        setBusy(true, "Drawing the timeline…");
        renderTimeline(await post("/api/predict/segments", blob, name, enrol));
      }
      setBusy(false, "");
    } catch (e) {
      setBusy(false, "");
      showError(`Could not analyse ${name}: ${e.message}`);
    }
  }

  function renderResult(r) {
    $("label").textContent = r.label;
    $("confidence").textContent = `${percent(r.confidence)} · ${r.durationSeconds.toFixed(1)} s`;
    $("domain").hidden = r.inDomain !== false;
    const bars = $("bars");
    bars.replaceChildren();
    const ranked = [...r.labels].sort((a, b) => r.scores[b] - r.scores[a]);
    for (const label of ranked) {
      const p = r.scores[label];
      const fill = el("div", { class: "fill", style: `width:${(100 * p).toFixed(1)}%;background:${colorOf(label)}` });
      const item = el("li", { class: label === r.label ? "winner" : "" },
        el("span", { class: "name", textContent: label }),
        el("div", { class: "track", role: "meter", ariaLabel: label, ariaValueMin: "0", ariaValueMax: "100", ariaValueNow: (100 * p).toFixed(1) }, fill),
        el("span", { class: "value", textContent: percent(p) }));
      item.dataset.label = label;
      bars.append(item);
    }
    $("result").hidden = false;
  }

  function renderTimeline(t) {
    const NS = "http://www.w3.org/2000/svg";
    const W = 600, H = 190, left = 34, right = 8, top = 8, band = 22, plotTop = top + band + 10, plotH = 120;
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const x = (s) => left + (W - left - right) * s / Math.max(t.durationSeconds, 0.001);
    const y = (p) => plotTop + plotH * (1 - p);
    const node = (tag, attrs, text) => {
      const n = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
      if (text) n.textContent = text;
      svg.append(n);
      return n;
    };
    // The band: each window's winner (each drawn from its start to the next window's start).
    t.segments.forEach((s, i) => {
      const end = i + 1 < t.segments.length ? Math.min(s.end, t.segments[i + 1].start) : s.end;
      const rect = node("rect", { x: x(s.start), y: top, width: Math.max(1, x(end) - x(s.start)), height: band, fill: colorOf(s.label), opacity: 0.35 + 0.65 * s.confidence });
      const title = document.createElementNS(NS, "title");
      title.textContent = `${s.start.toFixed(1)}–${s.end.toFixed(1)} s: ${s.label} ${percent(s.confidence)}`;
      rect.append(title);
    });
    // Probability lines per label at window centres.
    for (const label of t.labels) {
      const points = t.segments.map((s) => `${x((s.start + s.end) / 2).toFixed(1)},${y(s.scores[label]).toFixed(1)}`).join(" ");
      if (points) node("polyline", { points, fill: "none", stroke: colorOf(label), "stroke-width": 1.6 });
    }
    for (const p of [0, 0.5, 1]) {
      node("line", { x1: left, x2: W - right, y1: y(p), y2: y(p), stroke: "currentColor", "stroke-opacity": 0.15 });
      node("text", { x: left - 4, y: y(p) + 4, "text-anchor": "end", "font-size": 10, fill: "currentColor" }, `${p * 100}%`);
    }
    const step = t.durationSeconds > 60 ? 10 : t.durationSeconds > 20 ? 5 : 1;
    for (let s = 0; s <= t.durationSeconds; s += step) {
      node("text", { x: x(s), y: H - 4, "text-anchor": "middle", "font-size": 10, fill: "currentColor" }, `${s}s`);
    }
    $("timeline").replaceChildren(svg);
    $("timeline").setAttribute("aria-label", `Emotion over time: ${t.segments.length} windows of ${t.windowSeconds} s`);
    $("legend").replaceChildren(...t.labels.map((l) => el("li", {}, el("i", { style: `background:${colorOf(l)}` }), l)));
    $("timeline-block").hidden = t.segments.length === 0;
  }

  // ---- history (this browser only) ----
  const readHistory = () => { try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) ?? []; } catch { return []; } };
  function addHistory(entry) {
    const items = [entry, ...readHistory()].slice(0, HISTORY_MAX);
    localStorage.setItem(HISTORY_KEY, JSON.stringify(items));
    renderHistory();
  }
  function renderHistory() {
    const items = readHistory();
    $("history-empty").hidden = items.length > 0;
    $("history").replaceChildren(...items.map((h) => el("li", {},
      el("span", { class: "what", textContent: h.name, title: h.name }),
      el("span", {}, el("span", { class: "label", textContent: h.label }), ` ${percent(h.confidence)}`),
      el("span", { class: "muted small", textContent: `${new Date(h.when).toLocaleString()} · ${h.duration.toFixed(1)} s` }))));
  }
  $("clear-history").addEventListener("click", () => { localStorage.removeItem(HISTORY_KEY); renderHistory(); });

  // ---- input: file chooser, drag and drop ----
  $("file").addEventListener("change", (e) => { const f = e.target.files[0]; if (f) analyse(f, f.name); e.target.value = ""; });
  const drop = $("drop");
  drop.addEventListener("click", () => $("file").click());
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); $("file").click(); } });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer.files[0];
    if (f) analyse(f, f.name);
  });

  // ---- input: microphone, converted to 16 kHz mono WAV in the page ----
  async function toWav(blob) {
    const context = new AudioContext();
    try {
      const decoded = await context.decodeAudioData(await blob.arrayBuffer());
      const rate = 16000;
      const offline = new OfflineAudioContext(1, Math.max(1, Math.ceil(decoded.duration * rate)), rate);
      const source = offline.createBufferSource();
      source.buffer = decoded;
      source.connect(offline.destination);
      source.start();
      const samples = (await offline.startRendering()).getChannelData(0);
      const buffer = new ArrayBuffer(44 + 2 * samples.length);
      const v = new DataView(buffer);
      const text = (o, s) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
      text(0, "RIFF"); v.setUint32(4, 36 + 2 * samples.length, true); text(8, "WAVE"); text(12, "fmt ");
      v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true); v.setUint32(24, rate, true);
      v.setUint32(28, 2 * rate, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true); text(36, "data");
      v.setUint32(40, 2 * samples.length, true);
      samples.forEach((s, i) => v.setInt16(44 + 2 * i, Math.max(-1, Math.min(1, s)) * 0x7fff, true));
      return new Blob([buffer], { type: "audio/wav" });
    } finally {
      context.close();
    }
  }

  const recordButton = $("record");
  recordButton.addEventListener("click", async () => {
    if (recorder) { recorder.stop(); return; }
    showError("");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      showError(`The microphone is not available: ${e.message}`);
      return;
    }
    const chunks = [];
    recorder = new MediaRecorder(stream);
    const started = Date.now();
    const timer = setInterval(() => { $("record-time").textContent = `${((Date.now() - started) / 1000).toFixed(0)} s`; }, 250);
    recorder.ondataavailable = (e) => { if (e.data.size > 0) chunks.push(e.data); };
    recorder.onstop = async () => {
      clearInterval(timer);
      stream.getTracks().forEach((t) => t.stop());
      recorder = null;
      recordButton.textContent = "● Record";
      recordButton.setAttribute("aria-pressed", "false");
      $("record-time").textContent = "";
      try {
        const wav = await toWav(new Blob(chunks, { type: chunks[0]?.type || "audio/webm" }));
        analyse(wav, `recording ${new Date().toLocaleTimeString()}.wav`);
      } catch (e) {
        showError(`The recording could not be converted: ${e.message}`);
      }
    };
    recorder.start(250);
    recordButton.textContent = "■ Stop";
    recordButton.setAttribute("aria-pressed", "true");
  });

  renderHistory();
  loadModel();
})();
