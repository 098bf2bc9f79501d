// The WebSocket client for /ws/runs: one socket per page, reconnects with back-off, and turns
// server messages into events ("started", "frames", "done", "error", "connection").

import { errorText } from "./i18n.js";

const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

export class RaceStream extends EventTarget {
  constructor(url = defaultUrl()) {
    super();
    this.url = url;
    this.ws = null;
    this.queue = [];
    this.attempt = 0;
    this.closed = false;
    this.connected = false;
    this.connect();
  }

  connect() {
    if (this.closed) return;
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.addEventListener("open", () => {
      this.attempt = 0;
      this.connected = true;
      this.emit("connection", { connected: true });
      const pending = this.queue;
      this.queue = [];
      for (const msg of pending) ws.send(msg);
    });
    ws.addEventListener("message", (event) => {
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!msg || typeof msg.type !== "string") return;
      // Refusals arrive in English with a code; show them in the page's language.
      if (msg.type === "error" && msg.code) msg = { ...msg, english: msg.message, message: errorText(msg) };
      this.emit(msg.type, msg);
    });
    ws.addEventListener("close", () => {
      if (this.ws !== ws) return;
      const wasConnected = this.connected;
      this.connected = false;
      // A run lives in its connection: after a drop the page must start a new one.
      if (wasConnected) this.emit("connection", { connected: false });
      const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
      this.attempt += 1;
      setTimeout(() => this.connect(), delay);
    });
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  send(msg) {
    const text = JSON.stringify(msg);
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
    else if (msg.type === "start") this.queue = [text]; // only a fresh start is worth replaying
    else if (this.queue.length) this.queue.push(text);
  }

  start(body, { paused = false } = {}) {
    this.send({ ...body, type: "start", paused });
  }
  pause() { this.send({ type: "pause" }); }
  resume() { this.send({ type: "resume" }); }
  step() { this.send({ type: "step" }); }
  stop() { this.send({ type: "stop" }); }
  speed(stepsPerSecond) { this.send({ type: "speed", steps_per_second: stepsPerSecond }); }

  close() {
    this.closed = true;
    if (this.ws) this.ws.close();
  }
}

function defaultUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws/runs`;
}
