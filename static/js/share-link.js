// The share link every lab's Export menu offers: the page's own link (it holds the whole
// set-up), rewritten to the classroom address when the page was opened on the mentor's own
// computer, copied to the clipboard and said on the page.

const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/;

/**
 * The link to share from `href`. A page opened at 127.0.0.1 on the mentor's computer gets
 * the classroom address the server reported (config.classroom: {urls, loopback_only}), so
 * students' laptops can open it; kind says which case holds: "as_is", "class", "loopback_only"
 * (the server listens on this computer only) or "no_network" (no address to offer).
 */
export function studentLink(href, classroom) {
  const url = new URL(href);
  if (!classroom || !LOOPBACK.test(url.hostname)) return { url: href, kind: "as_is" };
  if (classroom.urls.length) {
    const base = new URL(classroom.urls[0]);
    url.protocol = base.protocol;
    url.host = base.host;
    return { url: url.href, kind: "class" };
  }
  return { url: href, kind: classroom.loopback_only ? "loopback_only" : "no_network" };
}

function pageClassroom() {
  const el = document.getElementById("config");
  return el ? JSON.parse(el.textContent).classroom : null;
}

/**
 * Copy the page's link (which holds the whole set-up) and say so in `statusEl`; without
 * clipboard access the link itself is shown to copy by hand. On the mentor's own screen the
 * link names the classroom address and stays on show, large enough to read off a projector.
 * Resolves to the link.
 */
export async function shareLink(statusEl, t) {
  const { url, kind } = studentLink(location.href, pageClassroom());
  let copied = false;
  try {
    await navigator.clipboard.writeText(url);
    copied = true;
  } catch {
    // no clipboard permission (or an insecure origin): show the link to copy by hand
  }
  let text = copied ? t("share.copied") : t("share.manual", { url });
  if (kind !== "as_is" && kind !== "class") text += ` ${t(`share.${kind}`)}`;
  if (kind === "class") {
    // The lab's address is short enough to type off the projector; the whole link (with this
    // set-up) is what was copied, for a chat or a shared document.
    const { origin, pathname } = new URL(url);
    const big = document.createElement("strong");
    big.className = "share-address";
    // Break only between the address and the lab's path, never inside either.
    big.append(origin, document.createElement("wbr"), pathname);
    const rest = document.createElement("span");
    rest.className = "share-rest";
    rest.textContent = copied ? t("share.class_copied") : t("share.class_manual", { url });
    statusEl.replaceChildren(t("share.class_open"), " ", big, document.createElement("br"), rest);
  } else {
    statusEl.textContent = text;
  }
  statusEl.classList.toggle("share-class", kind === "class");
  statusEl.onclick = () => { statusEl.hidden = true; };
  statusEl.hidden = false;
  clearTimeout(statusEl.shareTimer);
  const seconds = copied && kind === "as_is" ? 3 : kind === "class" ? 60 : 15;
  statusEl.shareTimer = setTimeout(() => { statusEl.hidden = true; }, seconds * 1000);
  return url;
}
