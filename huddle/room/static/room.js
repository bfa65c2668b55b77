// huddle video room: join with a code, send camera and microphone, show everyone, show the agenda banner.
// Self-contained (no CDN). Texts come from the server's catalogue (/strings.json) in Swedish and English.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let strings = { en: {}, sv: {} };
  let lang = (localStorage.getItem("huddle.lang") || navigator.language || "en").slice(0, 2) === "sv" ? "sv" : "en";
  let ws = null, pc = null, local = undefined, me = null, banner = null, bannerAt = 0;
  let count = 0, max = 0, ended = false;
  const tiles = new Map();   // participant id -> {el, video, stream}

  function t(key, params) {
    let text = (strings[lang] && strings[lang][key]) || (strings.en && strings.en[key]) || key;
    for (const [k, v] of Object.entries(params || {})) text = text.split("{" + k + "}").join(String(v));
    return text;
  }

  function applyTexts() {
    document.documentElement.lang = lang;
    document.title = t("title");
    for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
    for (const opt of $("role").options) if (opt.value) opt.textContent = t("role." + opt.value);
    renderCount();
    renderBanner();
  }

  function renderCount() {
    if (!me) return;
    $("count").textContent = count > 1 ? t("count", { count: count, max: max }) : t("alone");
  }

  function fmt(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
  }

  // -- the banner: initials and unit at most; the timer keeps ticking between updates ----------
  function renderBanner() {
    const box = $("banner"), line = $("banner-case"), timer = $("banner-timer");
    box.classList.remove("within", "warning", "over");
    if (!banner) { line.textContent = t("banner_none"); timer.textContent = ""; return; }
    if (banner.meeting === "finished") { line.textContent = t("banner_finished"); timer.textContent = ""; return; }
    if (banner.position == null) {
      line.textContent = banner.meeting === "running" ? t("banner_between") : t("banner_none");
      timer.textContent = "";
      return;
    }
    const parts = [t("banner_case", { position: banner.position, of: banner.of })];
    if (banner.patient) parts.push(banner.patient);
    if (banner.unit) parts.push(banner.unit);
    line.textContent = parts.join(" · ");
    const elapsed = banner.elapsed_s + (banner.running ? (performance.now() - bannerAt) / 1000 : 0);
    const target = banner.target_s || 300;
    const state = elapsed > target ? "over" : elapsed >= 0.8 * target ? "warning" : "within";
    box.classList.add(state);
    timer.textContent = fmt(elapsed) + " / " + fmt(target) + " · " +
      t(banner.running ? "banner_running" : "banner_paused") + " · " + t("timer_" + state);
  }

  // -- tiles -------------------------------------------------------------------------------
  function tile(id, name, organisation, isMe) {
    let entry = tiles.get(id);
    if (!entry) {
      const el = document.createElement("div");
      el.className = "tile" + (isMe ? " me" : "");
      const video = document.createElement("video");
      video.autoplay = true; video.playsInline = true; video.muted = !!isMe;
      const label = document.createElement("div");
      label.className = "label";
      el.append(video, label);
      $("grid").append(el);
      entry = { el, video, label, stream: new MediaStream(), mids: "" };
      video.srcObject = entry.stream;
      tiles.set(id, entry);
    }
    entry.el.dataset.name = name;
    entry.label.textContent = organisation ? name + " · " + organisation : name;
    return entry;
  }

  function trackFor(mid) {
    if (!pc || mid == null) return null;
    const tr = pc.getTransceivers().find((x) => x.mid === String(mid));
    return tr ? tr.receiver.track : null;
  }

  function renderRoster(msg) {
    count = msg.count; max = msg.max;
    const seen = new Set(["me"]);
    for (const p of msg.participants) {
      seen.add(p.id);
      const entry = tile(p.id, p.name, p.organisation, false);
      const mids = p.video_mid + "/" + p.audio_mid;
      if (entry.mids !== mids) {
        entry.mids = mids;
        const stream = new MediaStream([trackFor(p.video_mid), trackFor(p.audio_mid)].filter(Boolean));
        entry.stream = stream;
        entry.video.srcObject = stream;
        entry.video.play().catch(() => {});
      }
    }
    for (const [id, entry] of tiles) {
      if (!seen.has(id)) { entry.el.remove(); tiles.delete(id); }
    }
    renderCount();
  }

  // -- joining -----------------------------------------------------------------------------
  function refused(msg) {
    const key = "refused_" + (msg.reason || "media");
    showError(t(key, { seconds: msg.retry_after || "", max: msg.max || "" }));
  }

  function showError(text) {
    $("join-error").textContent = text;
    $("join-error").hidden = false;
    $("join-button").disabled = false;
    $("join-button").textContent = t("join");
  }

  async function getMedia(video) {
    const want = [
      { video: { width: video.width, height: video.height, frameRate: video.fps }, audio: true },
      { video: { width: video.width, height: video.height, frameRate: video.fps }, audio: false },
      { video: false, audio: true },
    ];
    for (const constraints of want) {
      try { return await navigator.mediaDevices.getUserMedia(constraints); } catch (e) { /* try less */ }
    }
    return null;
  }

  function gathered(conn) {
    if (conn.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { if (conn.iceGatheringState === "complete") resolve(); };
      conn.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, 3000);  // host candidates come at once; never wait long
    });
  }

  async function start(welcome) {
    me = welcome;
    max = welcome.max; count = 1;
    $("join").hidden = true;
    $("room").hidden = false;
    if (local === undefined) local = await getMedia(welcome.video);
    if (!local) { $("note").textContent = t("no_camera"); $("note").hidden = false; }
    const ownTile = tile("me", t("you"), "", true);
    if (local) { ownTile.video.srcObject = local; }

    pc = new RTCPeerConnection({ iceServers: welcome.iceServers || [], bundlePolicy: "max-bundle" });
    const vt = local && local.getVideoTracks()[0];
    const at = local && local.getAudioTracks()[0];
    const ownV = pc.addTransceiver(vt || "video", { direction: vt ? "sendonly" : "inactive" });
    const ownA = pc.addTransceiver(at || "audio", { direction: at ? "sendonly" : "inactive" });
    const vSlots = [], aSlots = [];
    for (let i = 0; i < welcome.slots; i++) vSlots.push(pc.addTransceiver("video", { direction: "recvonly" }));
    for (let i = 0; i < welcome.slots; i++) aSlots.push(pc.addTransceiver("audio", { direction: "recvonly" }));
    const channel = pc.createDataChannel("room");
    channel.onmessage = (ev) => {
      let data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      if (data.type === "banner") { banner = data; bannerAt = performance.now(); renderBanner(); }
    };
    pc.onconnectionstatechange = () => {
      if (pc && pc.connectionState === "failed") gone(t("lost"));
    };
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    ws.send(JSON.stringify({
      type: "offer", sdp: pc.localDescription.sdp,
      layout: { video: ownV.mid, audio: ownA.mid, video_slots: vSlots.map((x) => x.mid), audio_slots: aSlots.map((x) => x.mid) },
    }));
    renderCount();
  }

  async function join(ev) {
    ev.preventDefault();
    const name = $("name").value.trim();
    if (!name) { showError(t("refused_name")); return; }
    $("join-error").hidden = true;
    $("join-button").disabled = true;
    $("join-button").textContent = t("joining");
    localStorage.setItem("huddle.name", name);
    localStorage.setItem("huddle.organisation", $("organisation").value.trim());
    localStorage.setItem("huddle.role", $("role").value);
    // Camera and microphone first (the browser may ask): the room holds a place only a few
    // seconds for someone whose media is not coming.
    if (local === undefined) local = await getMedia(strings.video || { width: 320, height: 240, fps: 15 });
    const hello = () => ws.send(JSON.stringify({
      type: "join", code: $("code").value, name: name,
      organisation: $("organisation").value.trim(), role: $("role").value,
    }));
    if (ws && ws.readyState === WebSocket.OPEN) { hello(); return; }  // a wrong code before: same socket
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + "/ws");
    ws.onopen = hello;
    // One message at a time, in order: "welcome" (which waits for the camera and ICE gathering),
    // "answer" and "roster" each finish before the next is handled, so a roster is never drawn
    // against a connection that has not taken its answer yet.
    let inbox = Promise.resolve();
    ws.onmessage = (ev) => { inbox = inbox.then(() => handle(ev)).catch((e) => console.error(e)); };
    const handle = async (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.type === "refused") {
        if (me) gone(t("refused_" + msg.reason));
        else refused(msg);
        if (me || msg.reason !== "code") { ws.onclose = null; ws.close(); ws = null; }
      }
      else if (msg.type === "ended") { gone(t("ended")); }
      else if (msg.type === "closed") { gone(t("closed")); }
      else if (msg.type === "welcome") { await start(msg); }
      else if (msg.type === "answer") { await pc.setRemoteDescription({ type: "answer", sdp: msg.sdp }); }
      else if (msg.type === "roster") { renderRoster(msg); }
    };
    ws.onclose = () => { const was = ws; ws = null; if (me && !ended) gone(t("lost")); else if (!me && was) showError(t("lost")); };
  }

  // -- microphone and camera off and on (the track keeps its place; it sends silence or black) --
  function toggle(id, tracks, offKey, onKey) {
    if (!tracks || !tracks.length) return;
    const off = tracks[0].enabled;
    tracks.forEach((tr) => { tr.enabled = !off; });
    $(id).setAttribute("aria-pressed", String(off));
    $(id).dataset.t = off ? onKey : offKey;
    $(id).textContent = t($(id).dataset.t);
  }

  // -- leaving: at once, also when the tab closes ------------------------------------------
  function cleanup() {
    ended = true;
    if (local) local.getTracks().forEach((tr) => tr.stop());
    if (pc) { pc.close(); pc = null; }
    if (ws) { try { ws.close(); } catch (e) { /* closed */ } ws = null; }
  }

  function gone(text) {
    if (ended) return;
    cleanup();
    $("room").hidden = true;
    $("gone").hidden = false;
    $("gone-text").textContent = text;
  }

  function leave() {
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "leave" }));
    gone(t("left"));
  }

  window.addEventListener("pagehide", () => {
    if (me && !ended) {
      navigator.sendBeacon("/leave", JSON.stringify({ id: me.id, secret: me.secret }));
      cleanup();
    }
  });

  document.addEventListener("DOMContentLoaded", async () => {
    // The form is ours before the texts arrive: a quick Join click must not submit it natively.
    const loaded = fetch("/strings.json").then((r) => r.json()).then((s) => { strings = s; }).catch(() => {});
    $("join-form").addEventListener("submit", (ev) => { ev.preventDefault(); loaded.then(() => join(ev)); });
    await loaded;
    for (const code of strings.roles || []) {
      const opt = document.createElement("option");
      opt.value = code;
      $("role").append(opt);
    }
    $("name").value = localStorage.getItem("huddle.name") || "";
    $("role").value = localStorage.getItem("huddle.role") || "";
    $("organisation").value = localStorage.getItem("huddle.organisation") || "";
    const m = /code=([A-Za-z0-9-]+)/.exec(location.hash);
    if (m) $("code").value = m[1];
    if (strings.identity) {
      // Signed in at the identity provider: the verified name and organisation stand (the server uses
      // those, whatever is typed), and the code is asked for only where the room wants both.
      $("name").value = strings.identity.name || "";
      $("organisation").value = strings.identity.organisation || "";
      $("name").readOnly = true;
      $("organisation").readOnly = true;
      if (!strings.identity.code) {
        $("code").required = false;
        $("code").closest("label").hidden = true;
      }
    }
    applyTexts();
    $("leave").addEventListener("click", leave);
    $("mute").addEventListener("click", () => toggle("mute", local && local.getAudioTracks(), "mute", "unmute"));
    $("camera").addEventListener("click", () => toggle("camera", local && local.getVideoTracks(), "camera_off", "camera_on"));
    $("lang").addEventListener("click", () => {
      lang = lang === "sv" ? "en" : "sv";
      localStorage.setItem("huddle.lang", lang);
      applyTexts();
      if (tiles.has("me")) tiles.get("me").label.textContent = t("you");
    });
    setInterval(renderBanner, 500);
  });
})();
