"""The floor a model must clearly beat: a label whenever one of its plain keywords occurs
(``keywords`` in configs/labels.yaml), out_of_scope when no other label fires."""

from ..labels import OUT_OF_SCOPE, load_labels


def keyword_labels(text: str) -> list[str]:
    found = [label.code for label in load_labels()
             if label.code != OUT_OF_SCOPE and any(word in text for word in label.keywords)]
    return found or [OUT_OF_SCOPE]
