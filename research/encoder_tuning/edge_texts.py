"""Write the tokenizer/encoder test texts to <work>/texts.json.

208 texts: 80 Swedish + 60 English comments sampled (seed 0) from the labelled comments and the
round-13 test comments, plus hand-made edge cases (whitespace, å ä ö, emoji, ligatures, fullwidth,
NBSP, combining accents, many scripts, the literal special tokens, long runs, ...).

Run (any Python 3.11):  python research/encoder_tuning/edge_texts.py [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import random

from paths import COMMENTS, COMMENTS_ROUND13, work_dir

EDGE_CASES = [
    "",
    " ",
    "  leading and trailing  ",
    "tab\tseparated\ttext",
    "new\nline\r\nwindows",
    "Åsa åt ÄPPLEN på Öland, väldigt gött!!!",
    "Väntetiden var 3 h 45 min (!!) — helt orimligt.",
    "Pris: 1 299,50 kr / 12 månader = 108,29 kr/mån",
    "Tack 🙏🙏 bästa vården 👍🏽",
    "👨‍👩‍👧‍👦 familjen var nöjd",
    "I ❤️ this clinic",
    "Rating: 10/10 ⭐⭐⭐⭐⭐",
    "E-mail: anna.svensson@example.se, tel 070-123 45 67",
    "URL https://www.1177.se/sjukdomar?q=feber&lang=sv#top",
    "ﬁnally ﬂexible",
    "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３",
    "nbsp\u00a0between\u00a0words",
    "zero\u200bwidth\u200bspace",
    "soft\u00adhyphen",
    "combining e\u0301 vs é",
    "A\u030angström Ångström",
    "Ω ohm Ω sign",
    "ℌ𝔢𝔩𝔩𝔬 𝐛𝐨𝐥𝐝",
    "中文评论：服务很好",
    "日本語のコメントです",
    "한국어 댓글",
    "Ελληνικά σχόλια",
    "Русский отзыв: всё хорошо",
    "عربي تعليق",
    "עברית",
    "ßtraße Straße",
    "Œuvre æsthetic",
    "«citat» “smart quotes” ‘single’",
    "ellipsis… and dash – and —",
    "<s> literal </s> <pad> <unk> <mask>",
    "x" * 300,
    "aaaa bbbb " * 30,
    "ÅÄÖåäö" * 10,
    "123456789012345678901234567890",
    "3.14159 2,71828 1e-9 -42 +7 0x1F",
    "!!!???...;;;:::",
    "#hashtag @mention $100 €50 £20 ¥1000 ₹",
    "C++ & C# | Python >= 3.11 < 4",
    "((nested [brackets] {braces}))",
    "\"quoted\" 'single' `back`",
    "ALL CAPS COMPLAINT ABOUT PARKING",
    "mIxEd CaSe TeXt",
    "kundtjänsten!!!!!!!!!!!!",
    "såå dåååligt",
    "Mvh /Kalle",
    "ok",
    "?",
    "😀",
    "🤬🤬🤬",
    "Tack! 😊\nMvh Eva",
    "1177 Vårdguiden",
    "BankID funkar inte på iOS 17.2",
    "Läkaren sa 'det är inget' – men det var det.",
    "naïve café résumé coöperate",
    "Łódź Kraków Gdańsk",
    "Ærø Øresund",
    "Þórsmörk",
    "İstanbul ıi",
    "ﬀ ﬃ ﬄ",
    "½ ¼ ¾ ² ³ ™ © ®",
    "①②③ ⅰⅱⅲ",
    "…………",
    "\u3000ideographic space",
]


def build_texts():
    random.seed(0)
    rows = []
    for path in (COMMENTS, COMMENTS_ROUND13):
        with path.open(encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    sv = [r["text"] for r in rows if r.get("language") == "sv"]
    en = [r["text"] for r in rows if r.get("language") == "en"]
    return random.sample(sv, 80) + random.sample(en, 60) + EDGE_CASES


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=None, help="work folder (default $ENCODER_TUNING_WORK or ./work)")
    a = ap.parse_args()
    texts = build_texts()
    out = work_dir(a.work) / "texts.json"
    out.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    print(f"{len(texts)} texts -> {out}")


if __name__ == "__main__":
    main()
