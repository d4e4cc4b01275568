"""Pure comment analysis for Swedish and English: redaction, tokens, stems, themes, distinguishing terms."""
