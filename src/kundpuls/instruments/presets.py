"""Fixed answer sets and default texts: "vet ej", the Kano answers, the price questions, background presets.

These are part of the definition format: a definition may leave them out and gets these texts, and
:func:`kundpuls.instruments.loading.definition_to_dict` writes them out in full so that a stored version
never depends on a later change of a default.
"""

from __future__ import annotations

from kundpuls.instruments.localized import LocalizedText

#: The raw answer value a form posts for the "vet ej / ej aktuellt" option (stored as ``None``).
DONT_KNOW = "dont_know"

DEFAULT_DONT_KNOW_TEXT = LocalizedText("Vet ej / ej aktuellt", "Don't know / not applicable")

#: Kano answers in the order of the evaluation table (Berger et al. 1993).
KANO_ANSWERS: tuple[tuple[str, LocalizedText], ...] = (
    ("like", LocalizedText("Jag gillar det", "I like it")),
    ("expect", LocalizedText("Det är en självklarhet", "I expect it")),
    ("neutral", LocalizedText("Jag är neutral", "I am neutral")),
    ("live_with", LocalizedText("Jag kan leva med det", "I can live with it")),
    ("dislike", LocalizedText("Jag ogillar det", "I dislike it")),
)
KANO_VALUES: tuple[str, ...] = tuple(value for value, _ in KANO_ANSWERS)

#: The parts of a Kano pair, in the order they are stored.
KANO_PARTS: tuple[str, ...] = ("functional", "dysfunctional")

#: Van Westendorp's four prices, then the two Newton–Miller–Smith purchase-likelihood questions.
PRICE_PARTS: tuple[str, ...] = ("too_cheap", "cheap", "expensive", "too_expensive")
INTENT_PARTS: tuple[str, ...] = ("intent_cheap", "intent_expensive")

#: The one placeholder a definition's texts may hold: in a price question's texts, filled from ``product``.
PRODUCT_PLACEHOLDER = "{product}"

#: How a currency code is shown next to a price field, per language (other codes are shown as they are).
CURRENCY_LABELS: dict[str, dict[str, str]] = {
    "SEK": {"sv": "kr", "en": "SEK"},
    "NOK": {"sv": "NOK", "en": "NOK"},
    "DKK": {"sv": "DKK", "en": "DKK"},
    "EUR": {"sv": "euro", "en": "EUR"},
}


def currency_label(code: str, language: str) -> str:
    """The currency ``code`` as a respondent reads it: ``"kr"`` for SEK on a Swedish page."""
    return CURRENCY_LABELS.get(code, {}).get(language, code)


# The Swedish texts use "kosta", not an adjective, so they read right with any product ("årskortet",
# "en tjänst"): "så billig" would not agree with a neuter product.
DEFAULT_PRICE_TEXTS: dict[str, LocalizedText] = {
    "too_cheap": LocalizedText(
        "Vid vilket pris skulle {product} kosta så lite att du tvivlar på kvaliteten?",
        "At what price would {product} be so cheap that you would doubt its quality?",
    ),
    "cheap": LocalizedText(
        "Vid vilket pris skulle {product} vara ett fynd, ett riktigt bra köp?",
        "At what price would {product} be a bargain, a great buy for the money?",
    ),
    "expensive": LocalizedText(
        "Vid vilket pris börjar du tycka att {product} kostar mycket, men kan ändå tänka dig att köpa?",
        "At what price would {product} start to seem expensive, but you would still consider it?",
    ),
    "too_expensive": LocalizedText(
        "Vid vilket pris skulle {product} kosta så mycket att du inte alls kan tänka dig att köpa?",
        "At what price would {product} be so expensive that you would not consider buying it?",
    ),
    "intent_cheap": LocalizedText(
        "Hur sannolikt är det att du skulle köpa {product} till priset du angav som ett fynd?",
        "How likely would you be to buy {product} at the price you gave as a bargain?",
    ),
    "intent_expensive": LocalizedText(
        "Hur sannolikt är det att du skulle köpa {product} till priset du angav som dyrt?",
        "How likely would you be to buy {product} at the price you gave as getting expensive?",
    ),
}

#: The 5-point purchase-likelihood scale of the NMS extension (calibrated 5→0.7 … 1→0 in analysis).
INTENT_SCALE_MIN = 1
INTENT_SCALE_MAX = 5
INTENT_MIN_LABEL = LocalizedText("Mycket osannolikt", "Very unlikely")
INTENT_MAX_LABEL = LocalizedText("Mycket sannolikt", "Very likely")

#: Answer options of the background presets (``preset: age_band`` …), value → text.
BACKGROUND_PRESETS: dict[str, tuple[tuple[str, LocalizedText], ...]] = {
    "age_band": (
        ("under_20", LocalizedText("Under 20 år", "Under 20")),
        ("20_29", LocalizedText("20–29 år", "20–29")),
        ("30_39", LocalizedText("30–39 år", "30–39")),
        ("40_49", LocalizedText("40–49 år", "40–49")),
        ("50_64", LocalizedText("50–64 år", "50–64")),
        ("65_79", LocalizedText("65–79 år", "65–79")),
        ("80_plus", LocalizedText("80 år eller äldre", "80 or older")),
    ),
    "gender": (
        ("woman", LocalizedText("Kvinna", "Woman")),
        ("man", LocalizedText("Man", "Man")),
        ("other", LocalizedText("Annat", "Other")),
    ),
    "contact_channel": (
        ("visit", LocalizedText("Besök", "Visit")),
        ("phone", LocalizedText("Telefon", "Phone")),
        ("email", LocalizedText("E-post", "Email")),
        ("web", LocalizedText("Webb eller e-tjänst", "Web or e-service")),
        ("letter", LocalizedText("Brev", "Letter")),
    ),
}

#: Background variables a question may declare (the name analysis uses for the segment).
BACKGROUND_VARIABLES: tuple[str, ...] = (
    "age_band",
    "gender",
    "service",
    "contact_channel",
    "customer_type",
    "role",
    "tenure",
    "other",
)

#: Kinds of contact field; each is stored apart from the answers.
CONTACT_KINDS: tuple[str, ...] = ("name", "email", "phone", "text")

#: Hard limits of the format.
KEY_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"
OPTION_VALUE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
CONSTRUCT_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,39}$"
MAX_TEXT_LENGTH = 10_000
DEFAULT_TEXT_LENGTH = 2_000
CONTACT_TEXT_LENGTH = 200
MAX_SCALE_POINTS = 101
MAX_PRICE = 1_000_000_000
DEFAULT_ANONYMITY_THRESHOLD = 7
