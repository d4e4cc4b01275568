"""The respondent pages: server-rendered, no JavaScript needed, no cookies, nothing stored before the end."""
