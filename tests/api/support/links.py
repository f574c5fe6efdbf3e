"""One-time account links as a person receives them: the newest mail of a
template to an address, read from the store's mail_queue (the rendered
body the worker sends or writes to the outbox), and the token of its
/clave/ link. Works on either backend (store_rows)."""

import re

from .stores import store_rows

__all__ = ["link_token", "mails_to"]

_LINK = re.compile(r"/clave/([0-9a-f]{64})")


def mails_to(store, email, template=None):
    """(template, body_text) of every mail to `email`, newest first."""
    sql = "SELECT template, body_text FROM mail_queue WHERE to_email = ?"
    params = [email]
    if template:
        sql += " AND template = ?"
        params.append(template)
    return store_rows(store, sql + " ORDER BY id DESC", tuple(params))


def link_token(store, email, template):
    """The token of the newest `template` mail's link to `email`."""
    mails = mails_to(store, email, template)
    assert mails, f"no {template} mail to {email}"
    m = _LINK.search(mails[0][1])
    assert m, f"no /clave/ link in the {template} mail to {email}:\n{mails[0][1]}"
    return m.group(1)
