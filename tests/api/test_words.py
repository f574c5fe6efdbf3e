"""The server's messages speak a secretary's Spanish (issue 14).

Starts no server and uses no fixture: it reads the Spanish messages the server
can put in front of a person (the registry src/http/errors.def, each
`.message = "..."` of a body table and each reply_err_msg(...) text in
src/http, src/platform, src/school and src/auth, adjacent literals joined) and
the mail templates (templates/mail/), and fails on the words the UI does not
use: the school is "plantel" (never "escuela", "school", "tenant"), and no
"token", "script", "ID" or raw time zone names. The web pages themselves are
swept in a browser by tests/browser/words.test.mjs.

A message only a program can receive (an API token signing out) may name the
API's own terms: those few are listed in PROGRAMS_ONLY with the reason.
"""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

FORBIDDEN = [
    (re.compile(r"\bescuelas?\b", re.I), 'a school is "plantel"'),
    (re.compile(r"\bschools?\b|\btenants?\b", re.I), "English for a school"),
    (re.compile(r"\btokens?\b", re.I), '"token" (an access key for programs is "clave de acceso")'),
    (re.compile(r"\bscripts?\b", re.I), '"script"'),
    (re.compile(r"\bIDs?\b"), '"ID"'),
    (re.compile(r"\b(?:America|Europe|Africa|Asia|Atlantic|Pacific|Etc)/[A-Za-z_]+"), "a raw time zone name"),
]

# Messages only a program holding an API token can receive (never a page).
PROGRAMS_ONLY = {
    "token_not_ended": "POST /api/v1/auth/logout with a bearer token: the reply "
                       "tells the program's author the token stays valid",
}

SPANISH = re.compile(r"[áéíóúñ¿¡]|\b(?:el|la|los|las|de|del|un|una|no|que|su|para)\b")


def c_strings(text):
    """(offset, value) of each C string literal of `text`, adjacent literals
    joined; comments and character literals ('"') are skipped."""
    out, i, n = [], 0, len(text)
    pending = None          # [offset, value] of literals being joined
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "'":
            j = i + 1
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
        elif c == '"':
            j, buf = i + 1, []
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    buf.append(text[j:j + 2])
                    j += 2
                else:
                    buf.append(text[j])
                    j += 1
            if pending is None:
                pending = [i, ""]
            pending[1] += "".join(buf)
            i = j + 1
        elif c.isspace():
            i += 1
        else:
            if pending is not None:
                out.append(tuple(pending))
                pending = None
            i += 1
    if pending is not None:
        out.append(tuple(pending))
    return out


def server_messages():
    """(where, text) of each Spanish message a reply can carry."""
    out = []
    for line in (REPO / "src/http/errors.def").read_text(encoding="utf-8").splitlines():
        m = re.match(r'ERR\(\s*\w+\s*,\s*(\w+)\s*,\s*\d+\s*,\s*"(.*)"\)\s*$', line)
        if m and m.group(1) not in PROGRAMS_ONLY:
            out.append((f"errors.def {m.group(1)}", m.group(2)))
    for folder in ("src/http", "src/platform", "src/school", "src/auth"):
        for path in sorted((REPO / folder).glob("*.c")):
            text = path.read_text(encoding="utf-8")
            for at, s in c_strings(text):
                head = text[text.rfind("\n", 0, at) + 1:at]
                if "log_msg" in head:
                    continue
                if not s[:1].isupper() or not SPANISH.search(s) or " " not in s:
                    continue
                if "ERR_TOKEN_NOT_ENDED" in text[max(0, at - 120):at]:
                    continue
                out.append((f"{path.relative_to(REPO)}:{text.count(chr(10), 0, at) + 1}", s))
    return out


def offences(items):
    found = []
    for where, text in items:
        for rx, why in FORBIDDEN:
            m = rx.search(text)
            if m:
                found.append(f"{where}: {why}: «{m.group(0)}» in {text!r}")
    return found


def test_the_scanner_finds_each_kind_of_word():
    bad = ["El código de la escuela.", "Indique un nombre para el token.", "Falta el ID.",
           "Use America/Caracas.", "School no encontrada.", "Un script del plantel."]
    assert [len(offences([("x", t)])) for t in bad] == [1] * len(bad)
    assert offences([("x", "El plantel usa la hora de Caracas (UTC\u22124); dirección IP e identidad.")]) == []
    # a character literal '"' or a comment does not throw the reading of literals off
    code = 'if (c == \'"\') x = 1; /* "no" */ msg = "Ya existe una " // "x"\n "escuela.";'
    assert [v for _, v in c_strings(code)] == ["Ya existe una escuela."], c_strings(code)
    # the extraction sees joined literals of a reply and of a body table
    found = dict((t, w) for w, t in server_messages())
    assert "Revise los datos indicados." in found
    assert any(t.startswith("Indique el código del plantel") for t in found), sorted(found)[:20]


def test_server_messages_say_plantel_and_no_technical_words():
    items = server_messages()
    assert len(items) > 50, f"only {len(items)} messages found: the scanner is blind"
    assert offences(items) == []


def test_mail_templates_say_plantel_and_no_technical_words():
    folder = REPO / "templates" / "mail"
    files = sorted(p for p in folder.glob("*") if p.suffix in (".subject", ".txt", ".html"))
    assert len(files) >= 3, f"no mail templates found in {folder}"
    items = []
    for p in files:
        text = p.read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>", " ", text)           # tags and their attributes are not read
        text = re.sub(r"\{\{[^}]*\}\}", " ", text)     # nor the template's variables
        items.append((str(p.relative_to(REPO)), text))
    assert offences(items) == []
