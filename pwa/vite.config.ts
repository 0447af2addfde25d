// Vite builds the app into dist/ (served by the backend); vite-plugin-pwa generates the Workbox
// service worker: the app shell precached, and what the citizen has seen cached at run time
// (network first, so online they always get fresh data; offline, the last copy).
import { copyFileSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";

import preact from "@preact/preset-vite";
import { defineConfig, type Plugin } from "vite";
import { VitePWA } from "vite-plugin-pwa";

/**
 * Screens the backend does not list among the paths it serves the app at (backend/server/pwa_shell.py,
 * SCREENS) get a copy of the index page as dist/<screen>/index.html, which its static files (HTML mode)
 * serve at /<screen>: the help page opens from a typed address or a reload too.
 */
const SCREENS_AS_FOLDERS = ["help"];
function screenFolders(): Plugin {
  let outDir = "dist";
  return {
    name: "screen-folders",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    writeBundle() {
      for (const screen of SCREENS_AS_FOLDERS) {
        mkdirSync(resolve(outDir, screen), { recursive: true });
        copyFileSync(resolve(outDir, "index.html"), resolve(outDir, screen, "index.html"));
      }
    },
  };
}

export default defineConfig({
  plugins: [
    preact(),
    screenFolders(),
    VitePWA({
      registerType: "prompt",
      injectRegister: false,
      manifest: {
        name: "ทางรัฐ (สาธิต) · Citizen app",
        short_name: "ทางรัฐ",
        description: "บริการภาครัฐในแอปเดียว · Government services in one app",
        lang: "th",
        start_url: "/",
        scope: "/",
        display: "standalone",
        background_color: "#ffffff",
        theme_color: "#0b4f8a",
        icons: [
          { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png" },
          { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png" },
          { src: "/icons/icon-512-maskable.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
        ],
      },
      workbox: {
        navigateFallback: "/index.html",
        clientsClaim: true, // the first install controls the open page, so what it shows is kept for offline
        navigateFallbackDenylist: [/^\/(api|auth|demo-idp|demo-bank|receipts|schema|metrics|healthz|readyz)/],
        importScripts: ["/push-handler.js"],
        runtimeCaching: [
          {
            // Serialized into the service worker as source: everything it uses must be inside it. A live
            // stream ("/live", server-sent events) is never kept: a copy of it would be an old stream.
            urlPattern: ({ url, sameOrigin }) =>
              sameOrigin &&
              /^\/api\/v1\/(tiles|entitlements|inbox|bills|receipts|me|applications|documents)(\?|\/|$)/.test(url.pathname) &&
              !url.pathname.endsWith("/live"),
            handler: "NetworkFirst",
            options: {
              cacheName: "seen-data",
              networkTimeoutSeconds: 4,
              expiration: { maxEntries: 100, maxAgeSeconds: 7 * 24 * 3600 },
            },
          },
        ],
      },
    }),
  ],
  build: { target: "es2020", sourcemap: false, manifest: true },
});
