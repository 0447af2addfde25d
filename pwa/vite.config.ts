// Vite builds the app into dist/ (served by the backend); vite-plugin-pwa generates the Workbox
// service worker: the app shell precached, and what the citizen has seen cached at run time
// (network first, so online they always get fresh data; offline, the last copy).
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

export default defineConfig({
  plugins: [
    preact(),
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
            // Serialized into the service worker as source: everything it uses must be inside it.
            urlPattern: ({ url, sameOrigin }) =>
              sameOrigin && /^\/api\/v1\/(tiles|entitlements|inbox|bills|receipts|me|applications|documents)(\?|\/|$)/.test(url.pathname),
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
