/* Hall display: announce each call once, blink it, and show stale data.
 *
 * htmx refreshes #calls every 3 s. Each call carries its id and recall
 * count: a pair not seen before is a new call (or a recall) and is
 * announced once, with a chime and then an Italian voice. The voice is the
 * browser's own where it has an Italian one, else the short clips made at
 * build time (make assets, espeak-ng), else the text on screen alone.
 */
(function () {
  "use strict";
  var root = document.getElementById("display");
  var calls = document.getElementById("calls");
  var stale = document.getElementById("display-stale");
  var audioButton = document.getElementById("display-audio");
  var clock = document.getElementById("display-clock");
  if (!root || !calls) return;

  var staleAfter = parseInt(root.dataset.staleAfter || "15", 10) * 1000;
  var blinkMs = parseInt(root.dataset.blinkSeconds || "6", 10) * 1000;
  var audioBase = root.dataset.audioBase || "";
  var seen = new Set();
  var blinkUntil = {};
  var pending = [];
  var busy = false;
  var lastOk = Date.now();
  var audioContext = null;

  // What the page did, for people checking the display and for tests.
  var state = (window.hallDisplay = {
    announced: [], mode: "text", audio: "off", audioWanted: false,
  });

  function italianVoice() {
    if (!("speechSynthesis" in window)) return null;
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if ((voices[i].lang || "").toLowerCase().indexOf("it") === 0) return voices[i];
    }
    return null;
  }

  function mode() {
    if (italianVoice()) return "voice";
    if (audioBase) return "clips";
    return "text";
  }

  function updateMode() {
    state.mode = mode();
    root.dataset.audioMode = state.mode;
  }

  function ensureAudioContext() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audioContext && Ctx) {
      try { audioContext = new Ctx(); } catch (e) { audioContext = null; }
    }
    return audioContext;
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  function chime() {
    var ctx = ensureAudioContext();
    if (ctx && ctx.state === "running") {
      var start = ctx.currentTime + 0.05;
      [[880, 0], [660, 0.4]].forEach(function (tone) {
        var osc = ctx.createOscillator();
        var gain = ctx.createGain();
        var at = start + tone[1];
        osc.type = "sine";
        osc.frequency.value = tone[0];
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.35, at + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.7);
        osc.connect(gain);
        gain.connect(ctx.destination);
        osc.start(at);
        osc.stop(at + 0.75);
      });
    }
    return wait(1200);
  }

  function speak(text) {
    var voice = italianVoice();
    if (!voice) return Promise.resolve();
    return new Promise(function (resolve) {
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;
      utterance.onend = utterance.onerror = function () { resolve(); };
      window.speechSynthesis.speak(utterance);
      setTimeout(resolve, 10000);  // a voice that never ends must not block
    });
  }

  function playClips(names) {
    return names.reduce(function (chain, name) {
      return chain.then(function () {
        return new Promise(function (resolve) {
          var clip = new Audio(audioBase + name + ".wav");
          var done = function () { resolve(); };
          clip.onended = done;
          clip.onerror = done;
          var playing = clip.play();
          if (playing && playing.catch) playing.catch(done);
          setTimeout(done, 3000);
        });
      });
    }, Promise.resolve());
  }

  function announce(item) {
    state.announced.push(item.text);
    return chime().then(function () {
      var how = mode();
      if (how === "voice") return speak(item.text);
      if (how === "clips") return playClips(item.clips.split(" ").filter(Boolean));
      return undefined;
    });
  }

  function drain() {
    if (busy || !pending.length) return;
    busy = true;
    announce(pending.shift()).then(function () {
      busy = false;
      drain();
    });
  }

  function blink(element, id) {
    var left = (blinkUntil[id] || 0) - Date.now();
    if (left <= 0) return;
    element.classList.add("is-new");
    setTimeout(function () { element.classList.remove("is-new"); }, left);
  }

  function scan(announceNew) {
    var items = Array.prototype.slice.call(calls.querySelectorAll("[data-call-id]"));
    items.reverse().forEach(function (element) {  // oldest call first
      var id = element.dataset.callId;
      var key = id + ":" + element.dataset.recallCount;
      if (!seen.has(key)) {
        seen.add(key);
        if (announceNew) {
          blinkUntil[id] = Date.now() + blinkMs;
          pending.push({
            text: element.dataset.announceText,
            clips: element.dataset.announceClips || "",
          });
        }
      }
      blink(element, id);
    });
    drain();
  }

  function version() {
    var marker = calls.querySelector("[data-display-version]");
    return marker ? marker.dataset.displayVersion : "";
  }

  function checkStale() {
    var isStale = Date.now() - lastOk > staleAfter;
    stale.hidden = !isStale;
    root.classList.toggle("is-stale", isStale);
  }

  function tick() {
    checkStale();
    if (clock) {
      clock.textContent = new Date().toLocaleTimeString("it-IT", {
        hour: "2-digit", minute: "2-digit", timeZone: "Europe/Rome",
      });
    }
  }

  // The choice to hear the announcements outlives a reload: it is kept in
  // localStorage and the sound is re-armed on load. Where the browser
  // refuses sound without a gesture (no kiosk autoplay policy), the button
  // stays visible and the first touch or key anywhere re-arms it.
  var AUDIO_KEY = "hallDisplay.audio";

  function audioWanted() {
    try { return window.localStorage.getItem(AUDIO_KEY) === "on"; } catch (e) { return false; }
  }

  function rememberAudio() {
    try { window.localStorage.setItem(AUDIO_KEY, "on"); } catch (e) { /* private mode */ }
    state.audioWanted = true;
  }

  function audioRunning() {
    var ctx = ensureAudioContext();
    return !!(ctx && ctx.state === "running");
  }

  function showAudioButton() {
    var ctx = ensureAudioContext();
    var running = audioRunning();
    state.audio = running ? "on" : (state.audioWanted ? "blocked" : "off");
    root.dataset.audio = state.audio;
    audioButton.hidden = !ctx || running;
  }

  function unlockAudio() {
    var ctx = ensureAudioContext();
    var resumed = ctx ? ctx.resume() : Promise.resolve();
    if ("speechSynthesis" in window) {
      // Speaking once from a gesture unlocks later announcements.
      window.speechSynthesis.speak(new SpeechSynthesisUtterance(""));
    }
    return Promise.resolve(resumed).then(showAudioButton, showAudioButton);
  }

  function rearmOnGesture(event) {
    if (event.target === audioButton || !state.audioWanted || audioRunning()) return;
    unlockAudio();
  }

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt === calls) event.detail.parameters.v = version();
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt === calls && event.detail.successful) {
      lastOk = Date.now();
      // An unchanged display answers 204 and swaps nothing: say it is fresh.
      var updated = calls.querySelector("[data-display-updated]");
      if (updated) {
        updated.textContent = new Date(lastOk).toLocaleTimeString("it-IT", {
          timeZone: "Europe/Rome",
        });
      }
    }
    checkStale();
  });
  document.body.addEventListener("htmx:sendError", checkStale);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target === calls) scan(true);
  });

  audioButton.addEventListener("click", function () {
    rememberAudio();
    unlockAudio();
  });
  document.addEventListener("pointerdown", rearmOnGesture, true);
  document.addEventListener("keydown", rearmOnGesture, true);
  if ("speechSynthesis" in window) {
    window.speechSynthesis.addEventListener("voiceschanged", updateMode);
  }

  updateMode();
  state.audioWanted = audioWanted();
  showAudioButton();
  var ctxOnLoad = ensureAudioContext();
  if (ctxOnLoad) ctxOnLoad.addEventListener("statechange", showAudioButton);
  // Chosen before: try to re-arm now (a kiosk autoplay policy allows it).
  if (state.audioWanted && !audioRunning()) unlockAudio();
  scan(false);  // what is already on screen was announced before
  setInterval(tick, 1000);
  tick();
})();
