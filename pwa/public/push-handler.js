// Imported by the Workbox service worker: show each push, and open the right screen on a tap.
self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (_) {
    message = {};
  }
  const english = (self.navigator.language || "th").startsWith("en");
  const title = (english ? message.title_en : message.title_th) || message.title_th || "ทางรัฐ";
  const text = (english ? message.body_en : message.body_th) || message.body_th || "";
  // The message's verification code, grouped as printed, so it can be checked at /verify-message.
  const code = typeof message.code === "string" ? message.code.match(/.{1,4}/g).join("-") : "";
  const body = code ? `${text}\n${english ? "Verification code" : "รหัสตรวจสอบ"}: ${code}` : text;
  event.waitUntil(
    self.registration.showNotification(title, {
      body,
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      tag: message.id || undefined,
      data: { url: message.url || "/inbox" },
    }),
  );
});

// A tap opens the message's link only on this origin ("//host", "/\host" and "/<tab>/host" resolve
// elsewhere), else the inbox. The same check as sameOriginLink in src/links.ts. A link to an agency's
// own site arrives as the platform's leaving page (/leave/...), which names the agency before leaving.
function sameOriginTarget(url, origin) {
  const inbox = new URL("/inbox", origin).href;
  if (typeof url !== "string" || !url.startsWith("/")) return inbox;
  try {
    const target = new URL(url, origin);
    return target.origin === new URL(origin).origin ? target.href : inbox;
  } catch (_) {
    return inbox;
  }
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginTarget(event.notification.data?.url, self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if ("navigate" in client) return client.focus().then(() => client.navigate(target));
      }
      return self.clients.openWindow(target);
    }),
  );
});
