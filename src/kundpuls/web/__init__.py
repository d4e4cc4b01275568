"""The Django project: staff portal, respondent pages, API. Apps live in sub-packages."""
