from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ThemesConfig(AppConfig):
    name = "kundpuls.web.themes"
    label = "themes"
    verbose_name = _("Comment themes")

    def ready(self) -> None:
        """Keep the comment reader's vectors and fitted model on disk, shared by the processes."""
        import logging
        import sqlite3
        from pathlib import Path

        from django.conf import settings

        from kundpuls.text import meaning, model_cache

        # the fitted comment model beside the vectors: only the installation's first process fits it
        model_cache.use_folder(
            Path(settings.KUNDPULS_COMMENT_VECTORS).parent, secret=settings.SECRET_KEY.encode()
        )
        try:
            meaning.use_store(settings.KUNDPULS_COMMENT_VECTORS, secret=settings.SECRET_KEY.encode())
        except (OSError, sqlite3.Error) as error:  # a read-only data folder: vectors stay in the process
            logging.getLogger(__name__).warning("comment vectors kept in memory only: %s", error)
            meaning.use_store(None)
