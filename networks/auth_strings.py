"""Django's own password messages, in the words the rest of the app uses ("je", never "u").

Marked here only so that `makemessages` keeps them in our Dutch .po, which Django reads before
its own catalogues (LOCALE_PATHS comes first). Nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

gettext_noop("Your old password was entered incorrectly. Please enter it again.")
ngettext_lazy(
    "Your password must contain at least %(min_length)d character.",
    "Your password must contain at least %(min_length)d characters.",
    "min_length",
)
gettext_noop("Your password can’t be too similar to your other personal information.")
gettext_noop("Your password can’t be a commonly used password.")
gettext_noop("Your password can’t be entirely numeric.")
