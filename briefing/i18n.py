"""Pick the user's language from the environment and translate messages: an English msgid in, the
Chinese text out when the locale is Chinese (`zh_*`), the English unchanged otherwise.

Catalogues are standard gettext files: `briefing/locale/zh/LC_MESSAGES/briefing.po` (one
catalogue for every zh_* locale: the documents themselves are in simplified Chinese) is the
source a translator edits, the `.mo` beside it is what `gettext` reads (compiled from the `.po`
by `make messages`; a test checks that the two agree). The language follows gettext's own rule:
the first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set. Only the standard library is
imported, so every layer may translate the messages it raises.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "briefing"
LOCALEDIR = Path(__file__).resolve().parent / "locale"
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_cache: dict[tuple[str, ...], gettext.NullTranslations] = {}


def languages() -> tuple[str, ...]:
    """The languages the environment asks for, in order (gettext's variables, first one set)."""
    for name in ENVIRONMENT:
        value = os.environ.get(name)
        if value:
            return tuple(v for v in value.split(":") if v)
    return ()


def translation() -> gettext.NullTranslations:
    """The catalogue for the environment's language; English (no catalogue) when none matches.

    Looked up on every call, cached per language list, so a test or a host process that changes
    LANG sees the change.
    """
    wanted = languages()
    found = _cache.get(wanted)
    if found is None:
        # "C" and "POSIX" mean no translation, whatever comes after them in LANGUAGE.
        if not wanted or wanted[0].split(".")[0] in ("C", "POSIX"):
            found = gettext.NullTranslations()
        else:
            found = gettext.translation(
                DOMAIN, localedir=LOCALEDIR, languages=list(wanted), fallback=True
            )
        _cache[wanted] = found
    return found


def is_chinese() -> bool:
    """Whether messages come out in Chinese (a catalogue was found for the environment)."""
    return isinstance(translation(), gettext.GNUTranslations)


def _(message: str) -> str:
    """`message` in the user's language."""
    return translation().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for `n`, in the user's language."""
    return translation().ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 (gettext's conventional name, which xgettext and Babel know)
    """Mark `message` for the catalogue without translating it (that happens where it is shown)."""
    return message


# argparse's own words, marked here so that the catalogue carries their Chinese too (argparse
# looks them up through gettext's default domain, which `install_for_argparse` points at ours).
ARGPARSE_WORDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("the following arguments are required: %s"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("unrecognized arguments: %s"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("expected at least one argument"),
    N_("invalid %(type)s value: %(value)r"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)


def install_for_argparse() -> str:
    """Route argparse's own words (usage:, options, error:) through our catalogue; returns the
    previous default gettext domain, to restore with `restore_argparse`.
    """
    previous = gettext.textdomain()
    gettext.bindtextdomain(DOMAIN, str(LOCALEDIR))
    gettext.textdomain(DOMAIN)
    return previous


def restore_argparse(previous: str) -> None:
    """Undo `install_for_argparse`."""
    gettext.textdomain(previous)
