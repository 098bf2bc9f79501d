/** Phones: a screen narrower than the page's narrowest layout gets that layout whole, scaled
 * to the screen's width, rather than its left part and a sideways scroll. */

/** base.css's body min-width: the narrow layout (narrow.css) fits down to here. */
export const NARROWEST_LAYOUT = 640;

/**
 * Sets the viewport tag to `narrowest` CSS px on a narrower screen (a phone held upright), so
 * the browser scales that layout to the screen and pinch-zoom still enlarges it; held
 * sideways, or on any wider screen, the page has the device width as before. Desktop browsers
 * ignore the tag: a narrow desktop window keeps the page's own scrolling.
 *
 * Self-contained (it names nothing outside itself), so the offline exports carry its source.
 */
export function fitPhoneScreens(meta = document.querySelector('meta[name="viewport"]'), narrowest = NARROWEST_LAYOUT) {
  if (!meta) return;
  const landscape = matchMedia("(orientation: landscape)");
  const fit = () => {
    // The screen's width as it is held now (iOS reports the portrait width always).
    const { width: w, height: h } = window.screen;
    const width = landscape.matches ? Math.max(w, h) : Math.min(w, h);
    // The scale too: a tag changed after the first layout keeps the scale it had (1) unless
    // it names the new one.
    const scale = Math.floor((width / narrowest) * 1000) / 1000;
    const content = width < narrowest ? `width=${narrowest}, initial-scale=${scale}` : "width=device-width, initial-scale=1";
    if (meta.getAttribute("content") !== content) meta.setAttribute("content", content);
  };
  fit();
  landscape.addEventListener("change", fit);
}
