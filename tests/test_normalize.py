from nlp_pipeline.ingest.normalize import TO_FULL_WIDTH, normalize


def derived_from(char: str, original: str) -> bool:
    return (
        char == original
        or ord(original) - ord(char) == 0xFEE0
        or (char.isspace() and original.isspace())
        or TO_FULL_WIDTH.get(original) == char
    )


def test_full_width_letters_and_digits_become_ascii_but_chinese_punctuation_stays():
    assert normalize("２０２４年Ｑ１，共３次。").text == "2024年Q1，共3次。"


def test_ascii_punctuation_next_to_chinese_becomes_full_width():
    assert normalize("会议时间:上午9:30,地点(三楼)").text == "会议时间：上午9:30，地点（三楼）"


def test_whitespace_is_tidied():
    raw = "  会 议 纪 要\r\n\r\n\r\n\r\n主持人：\u3000周海峰  \t\n参 会 人 员 ：A  B\u200b"
    assert normalize(raw).text == "会议纪要\n\n主持人：周海峰\n参会人员：A B"


def test_a_space_between_fields_of_an_ordinary_line_stays():
    raw = "联名人：\n康志文 内科主任\n第三组\u3000王德明\n运输管理科 尹浩：同意。\n出席：王建国 李明 张伟"
    assert normalize(raw).text == "联名人：\n康志文 内科主任\n第三组 王德明\n运输管理科 尹浩：同意。\n出席：王建国 李明 张伟"


def test_every_character_maps_back_to_its_source():
    raw = "\ufeff  党组书记、局长 王建国\r\n\r\n\r\n说:  ＡＢＣ１２３,好"
    result = normalize(raw)
    assert len(result.source) == len(result.text)
    assert result.source == sorted(result.source)
    assert all(derived_from(char, raw[index]) for char, index in zip(result.text, result.source))
    assert result.text == "党组书记、局长 王建国\n\n说： ABC123，好"


def test_lines_wrapped_at_the_page_width_join_but_headings_items_and_dates_stay():
    raw = ("关于城关镇镇长马国庆问题的反映\n"
           "    城关镇镇长马国庆在旧城改造中，收受开发商好处，并组织人员强拆民房，镇长马\n"
           "国庆还在镇政府食堂用公款宴请外来客人，饮用高档白酒，费用以会议费报销。\n"
           "一、关于2024年度就业补助资金分配方案的有关事项请示\n"
           "会议听取了就业促进科的汇报，与会同志逐一发表意见，会议同意该方案。\n"
           "部分居民\n2024年3月")
    result = normalize(raw)
    assert result.text.split("\n") == [
        "关于城关镇镇长马国庆问题的反映",
        "城关镇镇长马国庆在旧城改造中，收受开发商好处，并组织人员强拆民房，镇长马国庆还在镇政府食堂用公款宴请外来客人，饮用高档白酒，费用以会议费报销。",
        "一、关于2024年度就业补助资金分配方案的有关事项请示",
        "会议听取了就业促进科的汇报，与会同志逐一发表意见，会议同意该方案。",
        "部分居民", "2024年3月"]
    assert all(raw[index] == char for char, index in zip(result.text, result.source))
