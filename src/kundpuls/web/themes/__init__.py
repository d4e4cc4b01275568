"""The organisation's comment-theme taxonomy: versioned revisions, staff pages, discovery of new themes."""
