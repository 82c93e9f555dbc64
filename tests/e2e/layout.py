"""Layout assertions of the browser tests: labels never cover other things.

Bootstrap Italia positions ``.form-group label`` and ``.select-wrapper
label`` absolutely over their field; with the wrong structure a label ends
up over a heading, a legend or another field. The check compares bounding
boxes in the page rather than pixels, so it needs no stored screenshots and
does not break when a font renders differently.
"""

from typing import Any

# 1366×768: the reception and counter desks' screens.
DESK_VIEWPORT = {"width": 1366, "height": 768}

# htmx swaps a fragment, then after its settle delay gives the kept
# elements their new classes, and the buttons' colour transitions run
# from there: a page is judged once all of that is over, never on a
# colour halfway between two states.
_SETTLED_JS = """() =>
    !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')
    && document.getAnimations().every(
        (a) => !(a instanceof CSSTransition) || a.playState === 'finished')"""


def wait_settled(page: Any) -> None:
    """Wait until no htmx swap is under way and no CSS transition runs."""
    page.wait_for_function(_SETTLED_JS)


_OVERLAPS_JS = """
async () => {
  // Measure where things end up: Bootstrap Italia's labels slide (0.2s).
  await Promise.all(document.getAnimations().map((a) => a.finished));
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) return false;
    // Also false inside a closed <details> (content-visibility: hidden).
    return el.checkVisibility({
      opacityProperty: true, visibilityProperty: true,
      contentVisibilityAuto: true,
    });
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ');
    const id = el.id ? '#' + el.id : '';
    return `${el.tagName.toLowerCase()}${id} "${text.slice(0, 40)}"`;
  };
  const page = (el) => {
    const box = el.getBoundingClientRect();
    return {left: box.left + scrollX, top: box.top + scrollY,
            right: box.right + scrollX, bottom: box.bottom + scrollY};
  };
  const labels = [...document.querySelectorAll('label')].filter(shown);
  const others = [...document.querySelectorAll(
    'h1, h2, h3, h4, h5, h6, legend, label, input:not([type=hidden]), '
    + 'select, textarea, button')].filter(shown);
  const found = [];
  for (const label of labels) {
    const a = page(label);
    for (const other of others) {
      if (other === label || label.contains(other) || other.contains(label)) {
        continue;
      }
      // A label and the field it names may touch, never cover each other.
      const b = page(other);
      const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (width > 1 && height > 1) {
        found.push(`${describe(label)} covers ${describe(other)}`);
      }
    }
  }
  return [...new Set(found)];
}
"""


def label_overlaps(page: Any) -> list[str]:
    """Return "label covers other" for each visible label over another element."""
    return list(page.evaluate(_OVERLAPS_JS))
