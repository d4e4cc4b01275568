"""Phrase banks for the synthetic comments of :mod:`kundpuls.demo.comments`.

For each driver, language and sentiment there are *subjects* and *predicates*; a sentence is a subject
and a predicate drawn independently, so a handful of phrases gives hundreds of distinct sentences. The
driver keys are the theme keys of the default taxonomy, so analysis can be checked against the truth.
"""

from __future__ import annotations

Bank = dict[str, dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]]]

PHRASES: Bank = {
    "bemotande": {
        "sv": {
            "neg": (
                (
                    "Personalen",
                    "Receptionisten",
                    "Handläggaren",
                    "Killen i kassan",
                    "Läkaren",
                    "Hon i luckan",
                    "Personen jag pratade med",
                    "Sköterskan",
                ),
                (
                    "var otrevlig",
                    "var otrevlig och stressad",
                    "lyssnade inte alls",
                    "himlade med ögonen",
                    "var nonchalant och kort i tonen",
                    "hälsade inte ens",
                    "var nedlåtande mot min mamma",
                    "behandlade mig som ett nummer",
                    "var arrogant",
                    "verkade inte bry sig",
                ),
            ),
            "pos": (
                (
                    "Personalen",
                    "Receptionisten",
                    "Handläggaren",
                    "Tjejen i kassan",
                    "Läkaren",
                    "Sköterskan",
                    "Killen på kundtjänst",
                ),
                (
                    "var otroligt trevlig",
                    "tog sig tid att lyssna",
                    "var vänlig och hjälpsam",
                    "fick mig att känna mig sedd",
                    "var lyhörd och engagerad",
                    "bemötte oss med respekt",
                    "var tålmodig med alla mina frågor",
                    "var så omtänksam",
                ),
            ),
        },
        "en": {
            "neg": (
                ("The staff", "The receptionist", "The caseworker", "The man at the desk"),
                ("behaved rudely", "did not listen at all", "seemed dismissive", "treated me like a number"),
            ),
            "pos": (
                ("The staff", "The nurse", "The woman at the desk"),
                (
                    "took the time to listen",
                    "seemed genuinely kind",
                    "helped me with everything",
                    "treated us with respect",
                ),
            ),
        },
    },
    "vantetid": {
        "sv": {
            "neg": (
                (
                    "Väntetiden",
                    "Telefonkön",
                    "Handläggningstiden",
                    "Kön i kassan",
                    "Väntan på besked",
                    "Tiden i väntrummet",
                ),
                (
                    "var alldeles för lång",
                    "var helt orimlig",
                    "tog en evighet",
                    "är ett skämt",
                    "var längre än utlovat",
                    "gjorde mig galen",
                ),
            ),
            "pos": (
                ("Handläggningen", "Allt", "Ärendet", "Besöket"),
                (
                    "gick snabbt",
                    "gick fortare än väntat",
                    "blev klart samma dag",
                    "gick smidigt och utan väntan",
                ),
            ),
        },
        "en": {
            "neg": (
                ("The waiting time", "The phone queue", "The wait for a decision"),
                ("was far too long", "was unreasonable", "took forever"),
            ),
            "pos": (("Everything", "My case"), ("went quickly", "was handled the same day")),
        },
    },
    "tillganglighet": {
        "sv": {
            "neg": (
                ("",),
                (
                    "Öppettiderna passar inte oss som jobbar",
                    "Telefontiderna är alldeles för korta",
                    "Det gick inte att nå er på telefon",
                    "Entrén saknar ramp för rullstol",
                    "Det var stängt trots att det stod öppet",
                    "Hissen har varit trasig i veckor",
                    "Det är omöjligt att komma fram på telefon",
                ),
            ),
            "pos": (
                ("",),
                (
                    "Öppettiderna passar mig bra",
                    "Det var lätt att nå er",
                    "Lokalen är anpassad för rullstol",
                    "Det var enkelt att komma fram på telefon",
                ),
            ),
        },
        "en": {
            "neg": (("",), ("The opening hours are too short", "It was impossible to reach you by phone")),
            "pos": (("",), ("The opening hours suit me well", "It was easy to reach you")),
        },
    },
    "information": {
        "sv": {
            "neg": (
                ("Informationen", "Blanketten", "Förklaringen", "Kallelsen"),
                (
                    "var rörig och motsägelsefull",
                    "var omöjlig att förstå",
                    "var skriven på myndighetsspråk",
                    "kom alldeles för sent",
                    "var otydlig",
                    "sa emot det jag fått höra i telefon",
                ),
            ),
            "pos": (
                ("Informationen", "Förklaringen", "Kallelsen"),
                ("var tydlig", "var lätt att förstå", "kom i god tid", "var tydlig och saklig"),
            ),
        },
        "en": {
            "neg": (("The information", "The letter"), ("was confusing", "was impossible to understand")),
            "pos": (("The information", "The letter"), ("was clear", "was easy to understand")),
        },
    },
    "kompetens": {
        "sv": {
            "neg": (
                ("Personalen", "Handläggaren", "Han jag pratade med", "Teknikern"),
                (
                    "verkade inte kunna reglerna",
                    "gav fel besked",
                    "glömde att skicka remissen",
                    "verkade helt okunnig",
                    "gjorde misstag i mitt ärende",
                ),
            ),
            "pos": (
                ("Personalen", "Handläggaren", "Läkaren", "Teknikern"),
                ("var kunnig", "var mycket kompetent", "löste problemet direkt", "var grundlig och proffsig"),
            ),
        },
        "en": {
            "neg": (("The staff", "The caseworker"), ("knew nothing", "made a mistake with my case")),
            "pos": (("The staff", "The doctor"), ("seemed very knowledgeable", "solved the problem at once")),
        },
    },
    "pris": {
        "sv": {
            "neg": (
                ("Avgiften", "Fakturan", "Kostnaden", "Månadsavgiften"),
                (
                    "är alldeles för hög",
                    "höjdes utan förvarning",
                    "är orimlig för pensionärer",
                    "blev högre än utlovat",
                    "kom utan specifikation",
                ),
            ),
            "pos": (
                ("Avgiften", "Kostnaden", "Månadsavgiften"),
                ("är rimlig", "är prisvärd", "var lägre än jag trodde"),
            ),
        },
        "en": {
            "neg": (("The price", "The fee"), ("is far too high", "went up without notice")),
            "pos": (("The price", "The fee"), ("is reasonable", "is good value for money")),
        },
    },
    "lokaler": {
        "sv": {
            "neg": (
                ("Lokalerna", "Toaletterna", "Omklädningsrummen", "Korridorerna"),
                (
                    "är slitna",
                    "var smutsiga",
                    "luktar instängt",
                    "var kalla och dragiga",
                    "var trånga och stökiga",
                ),
            ),
            "pos": (
                ("Lokalerna", "Väntrummen", "Rummen"),
                ("är fräscha", "var rena och ljusa", "är lugna och trivsamma"),
            ),
        },
        "en": {
            "neg": (("The premises", "The toilets"), ("are worn out", "were dirty")),
            "pos": (("The premises", "The rooms"), ("are clean and bright", "felt calm")),
        },
    },
    "digitala_tjanster": {
        "sv": {
            "neg": (
                ("Appen", "Hemsidan", "E-tjänsten", "Inloggningen med BankID", "Chatten"),
                (
                    "kraschar hela tiden",
                    "är rörig",
                    "fungerar inte på mobilen",
                    "hänger sig hela tiden",
                    "krånglar jämt",
                ),
            ),
            "pos": (
                ("Appen", "Hemsidan", "E-tjänsten", "Chatten"),
                ("fungerar smidigt", "är lätt att använda", "gjorde det enkelt att boka om"),
            ),
        },
        "en": {
            "neg": (("The app", "The website"), ("keeps crashing", "is confusing")),
            "pos": (("The app", "The website"), ("works well", "is easy to use")),
        },
    },
    "parkering": {
        "sv": {
            "neg": (
                ("Parkeringen", "Parkeringen vid entrén", "Parkeringen vid sjukhuset"),
                (
                    "är ett skämt",
                    "är alltid full",
                    "har en automat som inte tar kort",
                    "är för dyr",
                    "ligger för långt bort",
                ),
            ),
            "pos": (
                ("Parkeringen", "Infarten till parkeringen"),
                ("var enkel att hitta", "fungerade smidigt", "hade gott om lediga platser"),
            ),
        },
        "en": {
            "neg": (("Parking", "The car park"), ("is a nightmare", "is always full")),
            "pos": (("Parking", "The car park"), ("was easy", "had plenty of spaces")),
        },
    },
}

OPENERS: dict[str, tuple[str, ...]] = {
    "sv": ("", "", "", "", "Hej! ", "Hej. ", "Kort sagt: ", "Några synpunkter: "),
    "en": ("", "", "", "Hi. ", "Hello! "),
}
CLOSERS: dict[str, dict[str, tuple[str, ...]]] = {
    "sv": {
        "neg": ("", "", " Skärpning!", " Mycket besviken.", " Gör om, gör rätt.", " Inte okej."),
        "pos": ("", "", " Tack!", " Stort tack!", " Bra jobbat.", " Fortsätt så!"),
    },
    "en": {
        "neg": ("", " Very disappointed.", " Not acceptable."),
        "pos": ("", " Thank you!", " Keep it up!"),
    },
}
WAIT_SENTENCES: dict[str, tuple[str, ...]] = {
    "sv": ("Jag väntade {} minuter.", "Vi satt där i {} minuter.", "Det tog {} minuter i telefonkön."),
    "en": ("I waited {} minutes.", "We sat there for {} minutes."),
}
PRICE_SENTENCES: dict[str, tuple[str, ...]] = {
    "sv": ("Det kostade {} kr.", "Vi betalade {} kr för det."),
    "en": ("It cost {} kr.",),
}

FIRST_NAMES = (
    "Anna",
    "Maria",
    "Erik",
    "Lars",
    "Karin",
    "Johan",
    "Sara",
    "Mohammed",
    "Eva",
    "Anders",
    "Emma",
    "Ali",
    "Kerstin",
    "Jonas",
    "Fatima",
    "Lena",
    "Per",
    "Ingrid",
    "Oskar",
    "Linnea",
)
SURNAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Lindqvist",
    "Hassan",
    "Berg",
)
STREETS = ("Storgatan", "Kungsgatan", "Björkvägen", "Skolgatan", "Ringvägen", "Drottninggatan", "Parkvägen")
