/**
 * Reads a checkpoint's QR code with the camera: the browser's BarcodeDetector where it
 * exists, else the vendored jsQR on canvas frames. Resolves with the text, or null.
 */
import { t } from "../lib/i18n.js";
import { h } from "./dom.js";

let jsqrLoading = null;

function loadJsQR() {
  if (globalThis.jsQR) return Promise.resolve(globalThis.jsQR);
  if (!jsqrLoading) {
    jsqrLoading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = "/static/vendor/jsqr/jsQR.js";
      script.onload = () => resolve(globalThis.jsQR);
      script.onerror = reject;
      document.head.append(script);
    });
  }
  return jsqrLoading;
}

async function detector() {
  if ("BarcodeDetector" in globalThis) {
    try {
      const formats = await BarcodeDetector.getSupportedFormats();
      if (formats.includes("qr_code")) {
        const d = new BarcodeDetector({ formats: ["qr_code"] });
        return async (video) => {
          const codes = await d.detect(video);
          return codes.length ? codes[0].rawValue : null;
        };
      }
    } catch (err) {
      // Fall through to jsQR.
    }
  }
  const decode = await loadJsQR();
  const canvas = document.createElement("canvas");
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  return async (video) => {
    if (!video.videoWidth) return null;
    const scale = Math.min(1, 640 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const code = decode(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    return code ? code.data : null;
  };
}

/** Open the camera full screen until a code is read or the person cancels. */
export async function scanQR() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) throw new Error("no camera");
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
  const video = h("video", { playsinline: true, muted: true, autoplay: true });
  video.srcObject = stream;
  let done = false;
  return new Promise((resolve) => {
    const finish = (value) => {
      if (done) return;
      done = true;
      stream.getTracks().forEach((track) => track.stop());
      overlay.remove();
      resolve(value);
    };
    const overlay = h("div", { class: "scanner", role: "dialog", "aria-label": t("Scan the checkpoint's QR code") },
      video,
      h("div", { class: "actions" },
        h("button", { type: "button", class: "block", onclick: () => finish(null) }, t("Cancel"))));
    document.body.append(overlay);
    detector().then((read) => {
      const tick = async () => {
        if (done) return;
        try {
          const value = await read(video);
          if (value) return finish(value);
        } catch (err) {
          // A frame that could not be read; try the next one.
        }
        setTimeout(tick, 200);
      };
      tick();
    }).catch(() => finish(null));
  });
}
