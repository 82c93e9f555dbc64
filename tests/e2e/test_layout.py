"""The label layout check: it finds Bootstrap Italia's floating labels over
headings and fields, and the site's stylesheet keeps them in the flow.

The pages themselves are checked by ``test_accessibility`` (every page, at
1366×768); here the check itself is proved on the three forms whose labels
covered headings and fields: the intake line, the protocol's sender and
the booking form.
"""

from pathlib import Path

import pytest

from tests.e2e.layout import DESK_VIEWPORT, label_overlaps

pytestmark = pytest.mark.e2e

STATIC = Path(__file__).resolve().parents[2] / "static"
BOOTSTRAP_ITALIA = STATIC / "vendor/bootstrap-italia/css/bootstrap-italia.min.css"
SITE = STATIC / "frontoffice/site.css"

# The structure of the three forms, as Bootstrap Italia documents it.
FORMS = """
<main class="container">
  <h3 id="booking-title" class="h6">Prenota la prima consulenza libera</h3>
  <div class="row">
    <div class="form-group col-md-6">
      <label for="line" class="active">Linea</label>
      <select id="line" class="form-select"><option>A</option></select>
    </div>
    <div class="form-group col-md-6">
      <label for="cf" class="active">Codice fiscale</label>
      <input id="cf" class="form-control">
    </div>
  </div>
  <fieldset>
    <legend class="h6">Mittente (facoltativo)</legend>
    <div class="form-group mb-3">
      <label for="sender" class="active">Codice fiscale</label>
      <input id="sender" class="form-control">
    </div>
  </fieldset>
  <h2 class="h4">Appuntamento</h2>
  <div class="select-wrapper mb-3">
    <label for="topic">Argomento</label>
    <select id="topic"><option>Non indicato</option></select>
  </div>
  <div class="form-group mb-3">
    <label for="name" class="active">Nome</label>
    <input id="name" class="form-control">
  </div>
</main>
"""


def _overlaps(page, *stylesheets: Path) -> list[str]:
    page.set_viewport_size(DESK_VIEWPORT)
    page.set_content(f"<!doctype html><html lang='it'><body>{FORMS}</body></html>")
    for sheet in stylesheets:
        page.add_style_tag(path=str(sheet))
    return label_overlaps(page)


def test_the_check_finds_floating_labels_over_headings_and_fields(page):
    found = _overlaps(page, BOOTSTRAP_ITALIA)

    assert (
        'label "Linea" covers h3#booking-title "Prenota la prima consulenza libera"'
        in (found)
    )
    assert 'label "Codice fiscale" covers legend "Mittente (facoltativo)"' in found
    assert 'label "Argomento" covers h2 "Appuntamento"' in found


def test_the_site_stylesheet_keeps_labels_above_their_fields(page):
    assert _overlaps(page, BOOTSTRAP_ITALIA, SITE) == []
