import codecs

import pytest

from nlp_pipeline.ingest.encoding import decode
from nlp_pipeline.ingest.errors import InputError

TEXT = "2024年4月2日\n关于县交通运输局党组书记、局长违规决策问题的举报。镕、堃、喆等生僻字也要读对。"


@pytest.mark.parametrize(
    "data, expected",
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.replace("镕、堃、喆", "某").encode("gbk"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_decodes_the_encodings_offices_use(data, expected):
    text, encoding = decode(data)
    assert encoding == expected
    assert "党组书记、局长" in text


def test_binary_is_refused():
    with pytest.raises(InputError, match="binary|not text"):
        decode(bytes(range(256)) * 4)


def test_ascii_with_nuls_is_binary():
    with pytest.raises(InputError):
        decode(b"PK\x03\x04\x00\x00abc\x00\x01\x02\x03" * 3 + b"\x80")
