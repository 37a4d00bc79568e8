"""Officials by the rules around the title lexicon: the shapes that official text uses."""

import pytest

from nlp_pipeline import paths
from nlp_pipeline.extract.officials import OfficialsExtractor


@pytest.fixture(scope="module")
def extractor(segmenter):
    return OfficialsExtractor(paths.CONFIGS / "dictionaries" / "titles.txt", paths.CONFIGS / "dictionaries" / "surnames.txt",
                              ["违规收受", "克扣"], segmenter.word_frequency, ["纪律审查", "开除党籍"], "警示教育",
                              paths.CONFIGS / "dictionaries" / "name_parts.txt")


def people(found):
    return {(m.name, m.title, m.unit, m.role) for m in found}


def test_unit_title_chain_and_name(extractor):
    found = extractor.extract("县交通运输局党组书记、局长周海峰违规收受礼金。", ["eight_rules"])
    assert people(found) == {("周海峰", "党组书记、局长", "县交通运输局", "subject")}
    assert found[0].start == 13 and found[0].end == 16


def test_tibetan_and_mongolian_names_without_a_han_surname(extractor):
    text = ("县林业和草原局党组书记、局长才让多杰主持会议，副局长索南才让参加，纪检监察组组长斯琴列席，"
            "办公室主任白乌力吉记录。散会前局长才让我们先回去。")
    assert people(extractor.extract(text, [])) == {
        ("才让多杰", "党组书记、局长", "县林业和草原局", "mentioned"), ("索南才让", "副局长", None, "mentioned"),
        ("斯琴", "组长", "纪检监察组", "mentioned"), ("白乌力吉", "主任", "办公室", "mentioned")}


def test_transliterated_names_and_discipline_group_heads(extractor):
    text = ("党组书记、局长艾尔肯·吐尔逊在局四楼会议室主持会议，法规与标准科科长买买提江·阿不都热合曼汇报，"
            "驻局纪检监察组副组长迪丽努尔·阿吉列席。")
    assert people(extractor.extract(text, [])) == {
        ("艾尔肯·吐尔逊", "党组书记、局长", None, "mentioned"), ("买买提江·阿不都热合曼", "科长", "法规与标准科", "mentioned"),
        ("迪丽努尔·阿吉", "副组长", "驻局纪检监察组", "mentioned")}


def test_former_posts_and_several_officials_with_their_own_units(extractor):
    text = "临江市住建局原副局长宋某某和禾丰区民政局社会救助科科长马德胜克扣低保金。"
    assert people(extractor.extract(text, ["harming_public"])) == {
        ("宋某某", "原副局长", "临江市住建局", "subject"), ("马德胜", "科长", "禾丰区民政局社会救助科", "subject")}


def test_a_former_post_inside_an_organisation_and_posts_of_a_generic_organ(extractor):
    text = ("雁岭县房屋征收服务中心原征收科科长仝军反映情况。时任镇党委书记钟立群未表态。"
            "街道党工委书记何晓峰主持会议，集团纪委书记施曼列席。")
    assert people(extractor.extract(text, [])) == {
        ("仝军", "原征收科科长", "雁岭县房屋征收服务中心", "mentioned"), ("钟立群", "时任镇党委书记", None, "mentioned"),
        ("何晓峰", "街道党工委书记", None, "mentioned"), ("施曼", "纪委书记", "集团", "mentioned")}
    # 原 before a whole organisation names one that no longer exists (as the CCDI writes it)
    assert people(extractor.extract("山西省原粮食局党组书记、局长杨随亭严重违纪。", [])) == {
        ("杨随亭", "党组书记、局长", "山西省原粮食局", "mentioned")}


def test_names_glued_to_a_unit_in_a_list_joined_by_a_dot_or_ending_in_an_or_li(extractor):
    text = ("出席：党组成员、副局长 艾尔肯·吐尔逊，副局长 覃永利、副局长 左春梅\n记录：办公室隋蕾\n"
            "王建利用职务便利。")
    found = {m.name: m for m in extractor.extract(text, [])}
    assert {"艾尔肯·吐尔逊", "覃永利", "左春梅", "隋蕾"} <= set(found) and "覃永" not in found
    assert found["隋蕾"].unit == "办公室" and found["艾尔肯·吐尔逊"].title == "党组成员、副局长"
    assert extractor._name_at(text, text.index("王建利用")) == "王建"


def test_petitioner_roster_and_parenthesised_posts(extractor):
    text = "尊敬的纪委领导：我叫陈秀兰，现实名反映。\n出席：江明远、魏春生\n石永安（董事、总经理）参加会议。"
    found = {m.name: m for m in extractor.extract(text, [])}
    assert found["陈秀兰"].role == "petitioner"
    assert {"江明远", "魏春生"} <= set(found)
    assert found["石永安"].title == "董事、总经理"


def test_signature_and_attendance_lists(extractor):
    text = ("关于村里低保的联名信\n被反映人：汪德明\n请纪委查处。\n联名人：\n康志文 内科主任\n丘德兵 财务科\n"
            "第三组　赖秀英　电话187****3320\n……等九人\n\n反映人：申光明、戴秀琴等19人\n"
            "出席董事：鲍振宇（董事长、党委书记）、马骏\n参会人员：杭立军（市住建局）\n记录：党政办 傅芳")
    assert people(extractor.extract(text, [])) == {
        ("康志文", "主任", "内科", "petitioner"), ("丘德兵", None, "财务科", "petitioner"),
        ("赖秀英", None, None, "petitioner"), ("申光明", None, None, "petitioner"), ("戴秀琴", None, None, "petitioner"),
        ("鲍振宇", "董事长、党委书记", None, "mentioned"), ("马骏", None, None, "mentioned"),
        ("杭立军", None, "市住建局", "mentioned"), ("傅芳", None, "党政办", "mentioned"),
        ("汪德明", None, None, "mentioned")}  # the accused of the form's field, no petitioner


def test_speakers_of_a_verbatim_record(extractor):
    text = "运输管理科 尹浩：条例写得很清楚。\n陆婉仪：我们做会议记录要写明每个人的意见。\n明确：下周再议。"
    assert people(extractor.extract(text, [])) == {("尹浩", None, "运输管理科", "mentioned"), ("陆婉仪", None, None, "mentioned")}


def test_units_end_at_the_verb_before_them(extractor):
    found = extractor.extract("唐老师拿着文件去问中心学校会计饶小燕，她说不知道。", [])
    assert people(found) == {("饶小燕", "会计", "中心学校", "mentioned")}
    found = extractor.extract("信访人称曾多次看到沙湾镇水利站站长满某某在饭店吃请。该中心分管副主任苏某某未处置。", [])
    assert people(found) == {("满某某", "站长", "沙湾镇水利站", "mentioned"), ("苏某某", "分管副主任", None, "mentioned")}


def test_units_start_after_references_times_and_list_numbers(extractor):
    text = ("（一）宁渠县生态环境局副局长包立文违规收受礼金。该行信贷管理部原总经理钟离岳签批放款。"
            "当天驻局纪检监察组组长丁敏在外培训。程行长召集我和客户经理苏振华补写记录。")
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, ["eight_rules"])} == {
        ("包立文", "副局长", "宁渠县生态环境局"), ("钟离岳", "原总经理", "信贷管理部"),
        ("丁敏", "组长", "驻局纪检监察组"), ("苏振华", "客户经理", None), ("程行长", "行长", None)}


def test_pseudonymised_people_in_an_allegation_are_its_subjects(extractor):
    text = "反映我村村委会主任郭某某的问题。会计梁某某也参加了那次会议。"
    assert {(m.name, m.role) for m in extractor.extract(text, ["harming_public"])} == {
        ("郭某某", "subject"), ("梁某某", "subject")}
    assert {m.role for m in extractor.extract(text, ["out_of_scope"])} == {"mentioned"}
    assert {m.role for m in extractor.extract("警示教育：" + text, ["harming_public"])} == {"mentioned"}


def test_record_keepers_interviewees_applicants_and_comrades(extractor):
    text = ("议题：预算执行情况。\n记录员：胡月\n谈话对象：姚景岚\n申请人：谢德林，男，村民\n"
            "一、庞少云同志任指挥中心副主任。全体同志参加。\n（记录：单语桐）\n记录：董事会办公室 钟晓婷")
    assert people(extractor.extract(text, [])) == {
        ("胡月", None, None, "mentioned"), ("姚景岚", None, None, "mentioned"), ("谢德林", None, None, "petitioner"),
        ("庞少云", None, None, "mentioned"), ("单语桐", None, None, "mentioned"),
        ("钟晓婷", None, "董事会办公室", "mentioned")}


def test_common_words_after_a_post_are_not_names(extractor):
    found = extractor.extract("会上几位班子成员都私下表示同意，老股长都没动。股长农村工作经验丰富。", [])
    assert found == []
    # a post that goes on past the "surname" (总会计|师), 长 after no organisation (董长江), a conjunction
    text = "会上，集团总会计师认为方案可行。那天董长江进屋就说这事定了。上午逐一电话告知各位委员和纪检组长。"
    assert extractor.extract(text, []) == []
    assert people(extractor.extract("评审组：区发改局副局长纳文斌（组长）", [])) == {
        ("纳文斌", "副局长", "区发改局", "mentioned")}


def test_writers_posts_organs_in_the_post_and_listed_colleagues(extractor):
    text = ("我叫奚明，男，41岁，是宁渠县城市管理综合执法大队第三中队的协管员。\n"
            "来电人：俞海峰，燕北建工集团有限公司区域经理\n"
            "出席：董事长冼国华，董事魏立新、葛慧\n镇党委书记施玉成、监事会主席赵敏、驻局纪检监察组组长黎晓岚列席。")
    assert people(extractor.extract(text, [])) == {
        ("奚明", "协管员", "宁渠县城市管理综合执法大队第三中队", "petitioner"),
        ("俞海峰", "区域经理", "燕北建工集团有限公司", "petitioner"),
        ("冼国华", "董事长", None, "mentioned"), ("魏立新", "董事", None, "mentioned"), ("葛慧", "董事", None, "mentioned"),
        ("施玉成", "镇党委书记", None, "mentioned"), ("赵敏", "监事会主席", None, "mentioned"),
        ("黎晓岚", "组长", "驻局纪检监察组", "mentioned")}


def test_posts_in_apposition_and_departments_after_their_organisation(extractor):
    text = ("一、易云鹏，峡口市能源投资集团有限公司原党委副书记、总经理。\n谈话对象：姚景岚，泮湖区教育局党组成员、副局长\n"
            "列席：市纪委监委派驻第六纪检监察组组长易红\n会议决定，李强同志不再担任局长。")
    assert people(extractor.extract(text, [])) == {
        ("易云鹏", "原党委副书记、总经理", "峡口市能源投资集团有限公司", "mentioned"),
        ("姚景岚", "党组成员、副局长", "泮湖区教育局", "mentioned"),
        ("易红", "组长", "市纪委监委派驻第六纪检监察组", "mentioned"),
        ("李强", None, None, "mentioned")}


def test_petitioners_who_give_their_standing_and_rarer_surnames(extractor):
    text = "我是棠浦市石湾镇下坑村村民卢桂芳，电话137××××5548。\n列席：办公室主任 拓建伟"
    found = {m.name: m for m in extractor.extract(text, [])}
    assert set(found) == {"卢桂芳", "拓建伟"} and found["卢桂芳"].role == "petitioner"


def test_a_townships_party_committee_and_village_organs_belong_to_the_post(extractor):
    text = "柘塘镇党委副书记、镇长罗某某，云梦县石桥乡落霞村村务监督委员会主任柴永福。"
    assert people(extractor.extract(text, [])) == {
        ("罗某某", "党委副书记、镇长", "柘塘镇", "mentioned"),
        ("柴永福", "村务监督委员会主任", "云梦县石桥乡落霞村", "mentioned")}


def test_a_party_committee_named_by_its_level_alone_belongs_to_the_post(extractor):
    text = "区委常委、区纪委书记汤晓岚传达了会议精神。县委书记谭立诚出席。村委委员魏秀梅说，账要晒出来。"
    assert people(extractor.extract(text, [])) == {
        ("汤晓岚", "区委常委、区纪委书记", None, "mentioned"), ("谭立诚", "县委书记", None, "mentioned"),
        ("魏秀梅", "村委委员", None, "mentioned")}


def test_police_posts(extractor):
    text = "市消防救援支队党委副书记、政委冼国强，青岗县公安局城关派出所教导员方俊。"
    assert people(extractor.extract(text, [])) == {
        ("冼国强", "党委副书记、政委", "市消防救援支队", "mentioned"), ("方俊", "教导员", "青岗县公安局城关派出所", "mentioned")}


def test_ner_names_are_read_as_the_rules_read_a_name(extractor):
    text = "授意营业员平时管账。董事长欧阳靖让大家表态。"
    entities = [(2, 5, "position"), (5, 8, "name"), (10, 13, "position"), (13, 17, "name")]
    assert people(extractor.extract(text, [], entities=entities)) == {("欧阳靖", "董事长", None, "mentioned")}


def test_post_references_resolve_to_the_full_name(extractor):
    text = "副局长刘志强在会上发言。会后刘局长又找了承包商。张书记没有表态。"
    found = {m.name: m for m in extractor.extract(text, [])}
    assert "刘局长" not in found and "刘志强" in found
    assert found["张书记"].title == "书记"


def test_post_references_after_de_or_an_organisation(extractor):
    text = "是局里的王副局长开回家的。街道城建科刘科长说不归他管。今年村主任虎德海停了补贴。班主任没有说话。"
    found = {m.name: (m.title, m.unit) for m in extractor.extract(text, [])}
    assert found == {"王副局长": ("副局长", None), "刘科长": ("科长", "街道城建科"), "虎德海": ("村主任", None)}


def test_a_visitor_named_without_a_colon_is_the_petitioner(extractor):
    found = {m.name: m.role for m in extractor.extract("来访人马进福，芨芨台村牧民。来信人向农资公司了解情况。", [])}
    assert found == {"马进福": "petitioner"}
    assert extractor.extract("来访人陈述（经整理）：低保被取消。", []) == []


def test_minutes_of_firms_and_villages(extractor):
    text = ("主持：党委书记、董事长 韦正林\n列席：村监委会主任 李秀芝\n一组代表 陈月娥：我没同意过。\n"
            "韦正林：出了问题我和韦书记担着。纪委书记全程列席。责成庞宇同志作出书面说明。")
    found = {m.name: (m.title, m.unit) for m in extractor.extract(text, [])}
    assert found == {"韦正林": ("党委书记、董事长", None), "李秀芝": ("村监委会主任", None), "庞宇": (None, None)}


def test_registration_forms_and_replies(extractor):
    form = ("来访人：蔡满仓　性别：男\n被反映人一：葛春来\n单位职务：滍阳县辛店镇社会事务办科员\n"
            "被反映人二：荣盛石材有限公司（私营企业）\n处理意见：已向来访人解释。")
    found = {m.name: (m.title, m.unit, m.role) for m in extractor.extract(form, [])}
    assert found == {"蔡满仓": (None, None, "petitioner"), "葛春来": ("科员", "滍阳县辛店镇社会事务办", "mentioned")}
    reply = "信访事项答复意见书\n\n章德华同志：\n你于2024年3月18日来信反映，该校克扣学生营养餐。"
    assert [(m.name, m.role) for m in extractor.extract(reply, [])] == [("章德华", "petitioner")]


def test_signatures_of_a_joint_letter_by_teachers_or_owners(extractor):
    text = "请组织调查核实。\n\n联名教师：\n凤鸣乡中心学校 覃志勇\n凤鸣乡双河小学 吴建国\n联系电话：（略）"
    assert {m.name: m.role for m in extractor.extract(text, [])} == {"覃志勇": "petitioner", "吴建国": "petitioner"}


def test_a_community_party_committee_is_part_of_the_post(extractor):
    found = {m.name: (m.title, m.unit) for m in extractor.extract("福安社区党委书记沈桂珍不管。", [])}
    assert found == {"沈桂珍": ("党委书记", "福安社区")}


def test_a_name_said_before_its_post(extractor):
    text = ("邝永康处长看了以后让科里分包。会上吕建波副处长提出意见，邝处长不听。"
            "局党组成立由党组书记任组长的领导小组。王副局长任党组书记。副局长任建国主持。")
    found = {m.name: m.title for m in extractor.extract(text, [])}
    assert found == {"邝永康": "处长", "吕建波": "副处长", "王副局长": "副局长", "任建国": "副局长"}


def test_words_that_look_like_names_are_not_people(extractor):
    assert extractor.extract("陕西省长安银行股份有限公司发布公告。", []) == []
    assert extractor.extract("禾丰区长宁街道红星社区居民。", []) == []


def test_a_compound_surname_said_alone_is_no_name(extractor):
    text = "办公室主任欧阳进列席。梁家旺：主任欧阳，下周把台账交上来。"
    assert [m.name for m in extractor.extract(text, [])] == ["欧阳进"]


def test_lessons_from_others_cases_only_mention(extractor):
    text = "召开警示教育会，通报了原局长王某某被开除党籍的案例。"
    assert {m.role for m in extractor.extract(text, [])} == {"mentioned"}


def test_real_ccdi_officials(datasets, pipeline):
    from nlp_pipeline import corpus
    from nlp_pipeline.evaluation.officials import evaluate_pipeline

    examples = corpus.ccdi_officials(datasets)
    assert len(examples) == 100
    report = evaluate_pipeline(pipeline, {"ccdi": examples})["ccdi"]
    assert report["name"]["f1"] >= 0.9 and report["title"]["f1"] >= 0.85 and report["unit"]["f1"] >= 0.85


def test_a_conjunction_ends_a_name_only_when_what_follows_reads_as_after_a_name(extractor):
    text = "市财政局原副局长孙玉和受到党内警告处分。局长谭季和，副局长王建和李明都同意。"
    assert extractor._name_at(text, text.index("孙玉和")) == "孙玉和"
    assert extractor._name_at(text, text.index("谭季和")) == "谭季和"
    assert extractor._name_at(text, text.index("王建和")) == "王建"


def test_a_unit_starts_after_the_verb_or_link_word_before_it(extractor):
    text = "市纪委监委近日通报沣源市水务投资公司原总经理盛某某违规收受礼金问题。其中包括某市司法局副局长邱某某。"
    assert {(m.name, m.unit) for m in extractor.extract(text, [])} == {("盛某某", "沣源市水务投资公司"), ("邱某某", "某市司法局")}


def test_a_post_before_a_conjunction_is_someone_elses_and_a_listed_post_is_no_name(extractor):
    text = "县教育局局长和副局长刘东升吃回扣。副局长钱伟、纪检监察组组长吴静列席。"
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("刘东升", "副局长", "县教育局"), ("钱伟", "副局长", None), ("吴静", "组长", "纪检监察组")}
    text = "医院院长和区医保局基金监管科科长祝某某到场。"
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {("祝某某", "科长", "区医保局基金监管科")}


def test_posts_joined_by_jian_and_the_post_held_during_a_term(extractor):
    text = "市场监管所所长兼党支部书记周某接受宴请。经查，李明在担任县国土资源局局长期间，违规审批。"
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("周某", "所长兼党支部书记", "市场监管所"), ("李明", "局长", "县国土资源局")}


def test_a_third_character_stays_when_the_next_word_starts_after_it(extractor):
    text = "局长覃爱民主持会议。村党支部书记孔德发违规发放津贴。副局长王建发言。"
    assert {m.name for m in extractor.extract(text, [])} == {"覃爱民", "孔德发", "王建"}


def test_a_roster_line_ends_with_its_sentence_and_a_bio_names_the_post_further_on(extractor):
    text = "反映人：李建军 联系电话：略。反映对象：县林业局局长孙某。\n张建国，男，1968年生，中共党员，现任县财政局党组书记、局长。"
    assert people(extractor.extract(text, [])) == {
        ("李建军", None, None, "petitioner"), ("孙某", "局长", "县林业局", "mentioned"),
        ("张建国", "党组书记、局长", "县财政局", "mentioned")}


def test_a_note_on_the_post_and_a_place_before_a_post(extractor):
    text = "城南街道办事处副主任（正科级）杨帆在拆迁中优亲厚友。东方村党支部书记兼村委会主任石大勇独揽大权。"
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("杨帆", "副主任（正科级）", "城南街道办事处"), ("石大勇", "党支部书记兼村委会主任", "东方村")}


def test_a_writer_who_gives_their_name_after_their_standing_is_the_petitioner(extractor):
    text = "我是一名退役军人，叫孙强，多次到区退役军人事务局咨询，工作人员李某互相推诿。"
    assert ("孙强", None, None, "petitioner") in people(extractor.extract(text, ["bureaucratism"]))


def test_an_interviewee_is_no_petitioner_and_a_sanction_verb_opens_no_unit(extractor):
    text = "问：你叫什么名字？答：我叫韩立春，是县农业农村局计财股股长。经党组会议研究，决定给予综合科科员黎明同志通报批评。"
    found = people(extractor.extract(text, []))
    assert ("韩立春", "股长", "县农业农村局计财股", "mentioned") in found
    assert ("黎明", "科员", "综合科", "mentioned") in found


def test_appointed_people_are_named_without_the_post_they_are_given(extractor):
    text = "会议决定，任命周晓东为县水利局副局长，陈佳为办公室主任。提名王建军同志为市交通运输局办公室主任人选。"
    assert people(extractor.extract(text, [])) == {
        ("周晓东", None, None, "mentioned"), ("陈佳", None, None, "mentioned"), ("王建军", None, None, "mentioned")}


def test_a_school_before_its_post_and_time_words_and_verbs_before_a_post_are_read_apart(extractor):
    text = ("其中，县二中原副校长韦建华被提拔。会上局长黎永新第一个表态。反映青杉县实验中学校长莫昌明任人唯亲。"
            "讨论时副局长岳晓东提出异议。我在走廊碰到局长单国栋。招聘条件按照时任院长童某某的意见修改。")
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("韦建华", "原副校长", "县二中"), ("黎永新", "局长", None), ("莫昌明", "校长", "青杉县实验中学"),
        ("岳晓东", "副局长", None), ("单国栋", "局长", None), ("童某某", "时任院长", None)}


def test_village_and_clerical_posts_of_the_lexicon(extractor):
    text = "岩门乡包村干部刘晓峰、村委委员、报账员蒋国平到场。金埠支行柜员幸小雨作了说明。"
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("刘晓峰", "包村干部", "岩门乡"), ("蒋国平", "村委委员、报账员", None), ("幸小雨", "柜员", "金埠支行")}


def test_an_attendance_block_with_spaced_headings_and_one_person_per_line(extractor):
    text = ("【主　　持】 周宏亮　镇党委书记\n【出　　席】 马玉兰　镇党委副书记、镇长\n"
            "　　　　　 何晓东　镇党委委员、组织委员\n【记　　录】 石嘉怡　党政办干事\n\n一、春季地膜回收")
    assert {(m.name, m.title) for m in extractor.extract(text, [])} == {
        ("周宏亮", "镇党委书记"), ("马玉兰", "镇党委副书记、镇长"), ("何晓东", "镇党委委员、组织委员"), ("石嘉怡", "党政办干事")}


def test_names_ending_in_lai_compound_and_hui_surnames_and_words_after_a_surname(extractor):
    text = ("出席：副局长王春来、副局长陶玉珍。主持人：局长司徒建明。参会人员：哈斌（党组成员、副局长）。"
            "此项会前已与褚副局长商定承包单位。三、班子成员谈体会。因标的公司长期亏损。")
    assert {(m.name, m.title) for m in extractor.extract(text, [])} == {
        ("王春来", "副局长"), ("陶玉珍", "副局长"), ("司徒建明", "局长"), ("哈斌", "党组成员、副局长"), ("褚副局长", "副局长")}


def test_a_unit_starts_after_list_numbers_approvals_and_a_neighbouring_county(extractor):
    text = ("三、岐澜市妇幼保健院原院长翟韵秋公车私用。会议同意高校学生处处长葛润之的意见。"
            "反映邻县岩门县自然资源局局长邓某某，邻县住建局局长郝某。新华街道向阳社区党支部书记蒋春生参加。"
            "数据管理科科长石凯列席。高新区党工委书记、管委会主任康永胜主持。")
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("翟韵秋", "原院长", "岐澜市妇幼保健院"), ("葛润之", "处长", "高校学生处"), ("邓某某", "局长", "岩门县自然资源局"),
        ("郝某", "局长", "邻县住建局"), ("蒋春生", "党支部书记", "新华街道向阳社区"), ("石凯", "科长", "数据管理科"),
        ("康永胜", "党工委书记、管委会主任", "高新区")}


def test_signatures_separated_by_spaces_and_spaced_out_list_heads(extractor):
    text = "联名人：邹德明 邹桂兰 邹海生 等37人\n列 席 人：镇农业农村服务中心主任常立新\n记 录 人：党政办主任么艳华\n\n一、秋季"
    assert {(m.name, m.title, m.unit, m.role) for m in extractor.extract(text, [])} == {
        ("邹德明", None, None, "petitioner"), ("邹桂兰", None, None, "petitioner"), ("邹海生", None, None, "petitioner"),
        ("常立新", "主任", "镇农业农村服务中心", "mentioned"), ("么艳华", "主任", "党政办", "mentioned")}
    found = extractor.extract("请组织查清楚。\n联名人：林秀英 黄少伟 郑丽娟 等十四人\n2024年3月12日", [])
    assert {(m.name, m.role) for m in found} == {("林秀英", "petitioner"), ("黄少伟", "petitioner"), ("郑丽娟", "petitioner")}


def test_a_clauses_opening_but_and_a_time_word_are_no_part_of_a_unit(extractor):
    text = "学校开了个教代会，可会一开始校长殷志远就说定了。按规定要告知，可村务监督委员会主任曹长青说他不知道。"
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("殷志远", "校长", None), ("曹长青", "村务监督委员会主任", None)}


def test_farm_heads_and_inner_mongolian_units_and_names(extractor):
    text = "青岗农场场长刘振东主持。兴安北旗查干苏木党委书记巴特尔参加，副苏木达那顺乌日图列席。"
    sumu = text.index("苏木党委")  # the NER once read 苏木 as a person with 查干 as the post
    entities = [(sumu, sumu + 2, "name"), (sumu - 2, sumu, "position")]
    assert people(extractor.extract(text, [], entities=entities)) == {
        ("刘振东", "场长", "青岗农场", "mentioned"), ("巴特尔", "党委书记", "兴安北旗查干苏木", "mentioned"),
        ("那顺乌日图", "副苏木达", None, "mentioned")}


def test_verbs_before_a_unit_and_a_compound_surname_inside_a_post(extractor):
    text = ("会议开始前，邹德明已经和组织部部长杨立平商量好了人选。收回的现金交学校总务主任邢宇保管。"
            "漾湾市公交公司经理伍某某参加。市公安局交巡警总队总队长陈某。\n列席：人事科科长潘文静，计划财务科科长孙雯\n")
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("杨立平", "部长", "组织部"), ("邢宇", "总务主任", "学校"), ("伍某某", "经理", "漾湾市公交公司"),
        ("陈某", "总队长", "市公安局交巡警总队"),
        ("潘文静", "科长", "人事科"), ("孙雯", "科长", "计划财务科")}


def test_hui_surnames_that_are_also_common_words(extractor):
    text = ("县教育局副局长妥进忠，柳泉县第二中学副校长把建忠在会上说要妥善处理。局长把材料退回给他，"
            "把所长秘书宁某提为科员，让会计把签字表发下来。")
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("妥进忠", "副局长", "县教育局"), ("把建忠", "副校长", "柳泉县第二中学"), ("宁某", "所长秘书", None)}


def test_a_place_before_a_signers_name_is_no_unit(extractor):
    text = "请组织调查。\n联名人：\n东岗村 庞玉山\n西岗村 姜树林\n2023年11月28日"
    assert people(extractor.extract(text, [])) == {("庞玉山", None, None, "petitioner"), ("姜树林", None, None, "petitioner")}


def test_a_section_or_discipline_group_written_into_the_post_is_the_unit(extractor):
    text = ("列席：杨晓东（县纪委监委派驻第三纪检监察组组长）、韩刚（能源股股长）、周敏（办公室副主任）\n"
            "原人事股股长冯立强已调离。")
    found = {(m.name, m.title, m.unit) for m in extractor.extract(text, [])}
    assert {("杨晓东", "组长", "县纪委监委派驻第三纪检监察组"), ("韩刚", "股长", "能源股"), ("周敏", "副主任", "办公室"),
            ("冯立强", "原人事股股长", None)} <= found


def test_northwestern_surnames_that_are_also_common_words(extractor):
    text = "党组成员、副局长呼晓峰、贺秀芝出席会议，城建科科长折海涛列席。局长同意了，副局长呼吁大家折合计算。"
    assert people(extractor.extract(text, [])) == {
        ("呼晓峰", "党组成员、副局长", None, "mentioned"), ("贺秀芝", "党组成员、副局长", None, "mentioned"),
        ("折海涛", "科长", "城建科", "mentioned")}


def test_no_post_is_its_own_unit_and_a_proxy_is_no_unit(extractor):
    text = "主持：分局长宋家豪\n出席：政委杜文涛\n独立董事沈嘉禾因出差书面委托独立董事孔令仪代为出席。"
    found = {(m.name, m.title, m.unit) for m in extractor.extract(text, [])}
    assert {("杜文涛", "政委", None), ("孔令仪", "独立董事", None)} <= found


def test_kham_tibetan_and_mongolian_name_parts(extractor):
    text = "总经理泽仁多吉主持会议，副总经理降央拉姆、纪委书记格绒曲珍参加。局长那仁、副局长阿云嘎列席。"
    assert {m.name for m in extractor.extract(text, [])} == {"泽仁多吉", "降央拉姆", "格绒曲珍", "那仁", "阿云嘎"}


def test_numbered_form_fields_pair_each_person_with_their_post(extractor):
    text = ("被反映人：（1）陈志远（2）吴金水\n单位职务：（1）岭头乡副乡长（分管生态环境）；（2）岭头乡生态环境办公室主任\n"
            "问题摘要：吴金水每次答复要请示领导。")
    found = {(m.name, m.title, m.unit) for m in extractor.extract(text, [])}
    assert found == {("陈志远", "副乡长", "岭头乡"), ("吴金水", "主任", "岭头乡生态环境办公室")}


def test_transliterated_names_of_the_corps_and_their_ends(extractor):
    text = ("十二连连长艾克拜尔·阿不都热西提和村党支部书记、村委会主任叶尔兰·托合塔尔主持会议，"
            "乡党委副书记阿不都外力·吐尔地再次到场。")
    assert people(extractor.extract(text, [])) == {
        ("艾克拜尔·阿不都热西提", "连长", "十二连", "mentioned"),
        ("叶尔兰·托合塔尔", "村党支部书记、村委会主任", None, "mentioned"),
        ("阿不都外力·吐尔地", "乡党委副书记", None, "mentioned")}
    # the second part stops before a common word its last character would open
    assert extractor._name_at("艾尔肯·吐尔逊再次强调", 0) == "艾尔肯·吐尔逊"


def test_writers_signing_a_message_with_their_standing(extractor):
    signed = {
        "电梯坏了三次，物业不修。\n留言人：六旺村村民 韦秀兰": "韦秀兰",
        "麻烦交警部门考虑一下。\n苏州市民 顾建平": "顾建平",
        "反映人努尔兰·哈力木拉提，男，五十四岁，村会计克扣补贴。": "努尔兰·哈力木拉提",
        "孔祥林网友：\n您好！您5月8日在留言板反映的问题已收悉。": "孔祥林",
        "联名职工：哈力克·艾山　张玉兰　吾斯曼·托乎提（其余十四户签名附后）": "吾斯曼·托乎提",
    }
    for text, name in signed.items():
        assert (name, "petitioner") in {(m.name, m.role) for m in extractor.extract(text, [])}, text
    # a standing and a name on their own line sign a letter only at its end
    text = "会议记录\n村民 王德明\n" + "会议讨论了道路硬化的方案，决定下周开工，由村委会负责组织施工和验收。" * 2
    assert "王德明" not in {m.name for m in extractor.extract(text, []) if m.role == "petitioner"}


def test_clerks_named_with_their_office_and_signers_by_their_homes(extractor):
    text = ("副局长邓晓峰参加学习，局办公室周晓记录。\n局长办公会议记录\n拟稿：办公室盛可欣\n"
            "联名住户：葛凤英、苏长顺、万玉兰等十七户")
    found = people(extractor.extract(text, []))
    assert {("周晓", None, "局办公室", "mentioned"), ("盛可欣", None, "办公室", "mentioned"),
            ("万玉兰", None, None, "petitioner")} <= found
    assert not any(name == "公会" for name, *_ in found)  # 局长办|公会|记录 names nobody
    reply = "信访人赵桂花：\n你于2024年4月16日来信反映的问题已经办理。"
    assert ("赵桂花", None, None, "petitioner") in people(extractor.extract(reply, []))


def test_names_closed_by_a_verb_and_writers_from_their_village(extractor):
    text = "分管组织人事工作的党组成员、副局长隋红负直接责任。"
    assert people(extractor.extract(text, [])) == {("隋红", "党组成员、副局长", None, "mentioned")}
    found = people(extractor.extract("我是高台镇前屯村的贾桂芝，七十三岁。我是德吉村的牧民，也是村民代表。", []))
    assert ("贾桂芝", None, None, "petitioner") in found
    assert not any(name in ("高台镇", "牧民") for name, *_ in found)


def test_banner_and_sumu_posts_street_committees_and_discipline_group_staff(extractor):
    text = ("党委副书记、苏木达阿拉坦仓主持会议，常务副旗长白俊峰参加。街道工委书记何云飞讲话，"
            "驻桐丘县教育局纪检监察组工作人员齐梦瑶列席，开发区纪工委委员陈峰记录。")
    assert people(extractor.extract(text, [])) == {
        ("阿拉坦仓", "党委副书记、苏木达", None, "mentioned"), ("白俊峰", "常务副旗长", None, "mentioned"),
        ("何云飞", "街道工委书记", None, "mentioned"), ("齐梦瑶", "工作人员", "驻桐丘县教育局纪检监察组", "mentioned"),
        ("陈峰", "委员", "开发区纪工委", "mentioned")}
    roster = "到会：党委副书记、苏木达 阿拉坦仓，党委委员、副苏木达 李秀兰\n"
    assert {m.name for m in extractor.extract(roster, [])} == {"阿拉坦仓", "李秀兰"}


def test_a_team_before_its_head_is_the_unit_and_a_bracket_holds_its_own_post(extractor):
    text = ("巡视组组长宓卫平通报了情况，炉前班班长付金龙和二组组长庄阿水参加。"
            "地包给了朱书记（村党总支书记朱立伟）的女婿，理事长（村党总支书记刘振渠）和合作社会计刘春茂算的账。")
    assert {(m.name, m.title, m.unit) for m in extractor.extract(text, [])} == {
        ("宓卫平", "组长", "巡视组"), ("付金龙", "班长", "炉前班"), ("庄阿水", "二组组长", None),
        ("朱立伟", "村党总支书记", None), ("刘振渠", "村党总支书记", None), ("刘春茂", "会计", "合作社")}
