"""Pipeline components. Importing this package registers their factories and the
``Doc._`` attributes they fill, which together make up the findings of a document."""

from spacy.tokens import Doc

FINDINGS = {
    "given_kind": None,  # set by the caller when the input states its kind
    "kind": None,
    "kind_score": None,
    "scores": None,
    "labels": None,
    "meeting_flags": None,
    "officials": None,
}
for _name, _default in FINDINGS.items():
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)

from . import doc_kind  # noqa: E402,F401
from . import issue_types  # noqa: E402,F401
from . import meeting_flags  # noqa: E402,F401
from . import officials  # noqa: E402,F401
