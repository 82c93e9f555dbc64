import pytest
from django.core.exceptions import ValidationError

from frontoffice.common.fiscal_code import fiscal_code_clean, fiscal_code_mask


def test_a_valid_code_is_upper_cased():
    assert fiscal_code_clean(" rssmra80a01h501u ") == "RSSMRA80A01H501U"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "RSSMRA80A01H501X",
        "RSSMRA80A01H501",
        "RSSMRA80A01H501UU",
        "1234567890123456",
    ],
    ids=["empty", "checksum", "short", "long", "digits"],
)
def test_invalid_codes_are_a_field_error_without_the_value(value):
    with pytest.raises(ValidationError) as excinfo:
        fiscal_code_clean(value, field="citizen")

    assert excinfo.value.message_dict == {"citizen": ["Codice fiscale non valido."]}


def test_mask_keeps_only_the_ends():
    assert fiscal_code_mask("RSSMRA80A01H501U") == "RSSMRA******501U"
    assert fiscal_code_mask("ABC") == "***"
    assert fiscal_code_mask("") == ""
