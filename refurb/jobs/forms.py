"""The form behind every "start this long work" button."""

from __future__ import annotations

import uuid

from flask_wtf import FlaskForm
from wtforms import HiddenField


class StartJobForm(FlaskForm):
    # Made when the page is shown: the same page submitted twice (a double click, a reload)
    # starts one job, not two.
    request_key = HiddenField()

    @classmethod
    def fresh(cls, **values) -> StartJobForm:
        return cls(formdata=None, request_key=uuid.uuid4().hex, **values)

    def idempotency_key(self, kind: str, *scope: object) -> str:
        parts = [kind, *(str(part) for part in scope), self.request_key.data or uuid.uuid4().hex]
        return ":".join(parts)
