/** Phones: a screen narrower than the page's narrowest layout gets that layout whole, scaled
 * to the screen's width, rather than its left part and a sideways scroll. */

/** base.css's body min-width: the narrow layout (narrow.css) fits down to here. */
export const NARROWEST_LAYOUT = 640;

const LANDSCAPE = "(orientation: landscape)";

/** The screen's width in CSS px as it is held now (iOS reports the portrait width always). */
function screenWidth() {
  const { width, height } = window.screen;
  return matchMedia(LANDSCAPE).matches ? Math.max(width, height) : Math.min(width, height);
}

/**
 * Sets the viewport tag to the narrowest layout's width on a narrower screen (a phone held
 * upright), so the browser scales that layout to the screen and pinch-zoom still enlarges it;
 * held sideways, or on any wider screen, the page has the device width as before. Desktop
 * browsers ignore the tag: a narrow desktop window keeps the page's own scrolling.
 */
export function fitPhoneScreens(meta = document.querySelector('meta[name="viewport"]')) {
  if (!meta) return;
  const fit = () => {
    const width = screenWidth();
    // The scale too: a tag changed after the first layout keeps the scale it had (1) unless
    // it names the new one.
    const scale = Math.floor((width / NARROWEST_LAYOUT) * 1000) / 1000;
    const content =
      width < NARROWEST_LAYOUT
        ? `width=${NARROWEST_LAYOUT}, initial-scale=${scale}`
        : "width=device-width, initial-scale=1";
    if (meta.getAttribute("content") !== content) meta.setAttribute("content", content);
  };
  fit();
  matchMedia(LANDSCAPE).addEventListener("change", fit);
}
