"""Officials a document concerns, by rules around the title lexicon: name, title, unit, role.

A public official is almost always written with a post: 县交通运输局党组书记、局长周海峰,
副局长 葛春燕, 石永安（董事、总经理）, 刘局长. The rules anchor on the posts of
configs/dictionaries/titles.txt (plus words ending in a post suffix), take the name after the post
(surname + one or two characters, or a 某/某某 pseudonym), the chain of posts before it as the
title and the organisation before that as the unit. Petitioners are found by how letters name
their writer (我叫…, 举报人：…). Roles other than petitioner come from whether the person's
sentence describes conduct (subject) or not (mentioned).
"""

import re
from dataclasses import dataclass

from ..language import read_dictionary
from ..labels import OUT_OF_SCOPE

HAN = r"\u4e00-\u9fff"
# Uyghur and Kazakh names are transliterated with a small set of characters, and written as two
# ·-joined parts (艾尔肯·吐尔逊, 阿不都热合曼·吐尔逊, 叶尔兰·托合塔尔, 吾斯曼·托乎提); a part ends where these
# characters end (吐尔逊|在), or before a common word its last one opens (吐尔逊|再次, 吐尔逊|外出).
TRANSLITERATED = ("阿艾买提吐尔逊热合曼古丽娜努迪依拉木沙比克力夏伊斯甫江玉苏亚库班米吉帕孜则洪地西卡德吾尼哈布肯山扎罕汗图不都兰坦海穆默赛麦牙巴塔什纳然达莱凯萨茹鲁娅乃孙尤麻"
                  "托瓦肉乎外叶勒别杰赫索诺莎阔恰普夫雅妮丁祖菲再居哲拜")
# the first part ends at the dot, so it may hold characters that open words elsewhere (买买提明·库尔班, 司马义)
DOTTED_NAME = rf"[{TRANSLITERATED}明马义司]{{2,8}}[·•・][{TRANSLITERATED}]{{2,7}}"
# a post the lexicon lacks ends in one of these; 长 only after an organisation or post character (科长, 厅长, 董事长: not 董长江)
POST_SUFFIX = r"(?:书记|[局科处所站队校院行厂村镇乡县市省部社馆组庭团班股室区司厅场事书士段格值旗]长|主任|委员|成员|经理|总裁|董事|监事|主席|会计|总监|专员|科员|干事|常委|秘书|巡视员|调研员|网格员|出纳|文书)"
UNIT_SUFFIX = (r"(?:局|委|厅|院|办(?!公)|政府|公司|集团|银行|中心|所|站|村|社区|街道|镇|乡|县|市|区|省|部|处|科|股|队|学校|医院|大学|[一二三四五六七八九十]中|[一二三四五六七八九十]连"
               r"|学院|中学|小学|会|社|行|馆|场|厂|署|室|团|协|库|司|所|苏木|嘎查)")
LEGAL_FORMS = {"有限公司", "有限责任公司", "股份有限公司"}  # what a company's full name adds to its short one
UNIT_END = r"[局委厅院办府司行心所站村区道镇乡县市省部处科股队校会社馆场厂署室团]"  # the last character of most units
SPEAKER = re.compile(rf"^(?:(?P<unit>[{HAN}]{{2,15}})[ \u3000]+)?(?P<who>[{HAN}]{{2,4}})[:：]", re.MULTILINE)
# Words that end the text before a unit: function words, references to the writer's own or the
# named organisation (该行信贷管理部, 本局), time words (当天驻局纪检监察组组长, 那天院长, 会上局长,
# 讨论时副局长, 以后村委会主任, 今年村主任, 一开始校长, 10月初副场长; but 时任), list numbers
# ((一)某市某局, 三、岐澜市…), a clause's opening 可 (可村务监督委员会主任…), and verbs of telling
# and going that no unit name in the corpus or the CCDI gold contains (找了…股长, 去问…学校, 跟…队长,
# 碰到局长, 安排…站长, 指定…网格员, 明确…副大队长, 再找… (but 再生水厂), 按照时任院长, 经时任…, 由支行行长, 有分管副局长, 其中包括…, 为…, 拟提名…,
# 提任…, 授意…, 因…, 审查调查… (not 审查调查室); but 对外贸易处,
# 国有, 有限公司, 为民服务中心, 向阳社区; 赵宝森系|西城供热分公司经理, but 中文系主任; 会议同意…, 推荐…, 人选中…,
# 邻县岩门县… but 邻县住建局, 邻市某县水务局), nor any name in the CPED tables (信访人称…, 通过…, 以及…; but 职称, 称多县).
STOP_BEFORE_UNIT = re.compile(r"的|是|向(?!阳)|对(?!外)|把|被|在|给予?|将|请|(?<!数)据|反映|举报|实名|检举|控告|关于|你|他|原任|担任|(?<!、)现任|(?<!国)有(?!限)"
                              r"|提名|提任|提拔|授意|因|审查调查(?![室组])"
                              r"|[我该其](?:[行局院校厅]|中心|公司|集团|医院|学校|单位)?|[本此](?:[行局院校厅]|单位|部门)|(?<!自)由|当天|当日|当晚|当时|次日|随后"
                              r"|[那这][天次时]|一开始|^可(?![以能口克])|[今去前明]年|[今昨前]天|(?:上|这|本)个?月|最近|近期|目前|现在|会[上后前]|(?<![当那这])时(?![任代])|以后|之后|然后|后来|按照|根据|依照|[月年][初底末]|[上中下]旬|安排|指定|经(?=时任)"
                              r"|已经|确定|明确|委托|(?<![外社公移提])交(?![通警投易付流巡建控发运管])|（[一二三四五六七八九十\d]+）|^[一二三四五六七八九十]+、|[找跟去了着又也说让叫拿送往还已们到]|再(?!生)|问(?!题)"
                              r"|(?<![职名])称(?!多)|通过|以及|看到|年起|现就|都要|核实|发现|要求|认为|指出|表示|介绍|通知|督促|落实|经过"
                              r"|为(?!民)|过|包括|通报|(?<![文学理工法医史])系(?![统列])|同意|推荐|(?<=[选单])中|邻[省市县区](?=[^某\W]{1,4}?[县区乡镇村])")
# A character after surname + one that starts what follows the name rather than ending it (王建|在,
# 王建|说); not 安 or 利, which end given names as often as they open the next word (覃永利, 佟锡安:
# 王建|利用 and 王建|安排 are cut by the word they open).
NAME_TAIL_STOP = set("在于等说主同的和与、，。：；（）是为向对被将也已因参出任把从带要表指提称讲作介汇违收受涉严未不没曾还就先后及以分所多接私让当个们都又再来去到会称讲"
                     "负签拿领投送打叫管前补通两上")  # none of the corpus's 10,398 gold names ends in these verbs (隋红|负直接责任)
# 和, 与, 及 join two people (王建和李明) unless the name ends there: followed by what follows a name
# (孙玉和受到…, 谭季和，), they are its last character.
CONJUNCTIONS = set("和与及")
# 来 ends given names (石春来, 祁东来) as often as it opens what follows one: it is the name's when
# punctuation, a space or the line's end comes right after it (副局长王春来、…).
NAME_END_BEFORE_PUNCTUATION = set("来")
# A department written into a post right after its organisation (市纪委监委 + 派驻第六纪检监察组组长)
# belongs to the unit. Without an organisation before it, a post lexicon word that holds its
# department (财务部经理) stays whole, except for a discipline group, which is an organisation of
# its own: 驻局纪检监察组 | 组长 (so the corpus since part 31 writes it, 20 of 20 times), whatever
# names it (县纪委监委派驻第三纪检监察组 | 组长), and so are a section and an office before the posts
# that head them (能源股 | 股长, 办公室 | 主任: 374 of 380 such gold mentions since part 31), and a team,
# a crew or a squad before its own head or member (巡视组 | 组长, 炉前班 | 班长, 执法中队 | 队员: 23 of
# 30 gold mentions outside the discipline groups), but not a village's numbered group (二组组长).
DISCIPLINE_GROUP = re.compile(rf"(?P<group>[{HAN}]*(?:驻[{HAN}]*?|派驻[{HAN}]*?|纪委监委[{HAN}]*?)纪检(?:监察)?组)(?P<post>副?组长|干部|工作人员)")
SECTION_HEAD = re.compile(rf"(?P<group>[{HAN}]{{1,10}}?(?:股|科|室|办))(?P<post>副?(?:股长|科长|主任))")
TEAM_HEAD = re.compile(rf"(?![一二三四五六七八九十]+组)(?P<group>[{HAN}]{{1,10}}?(?:组(?=副?组长)|班(?=副?班长)|队(?=副?(?:队长|班长)|队员)))(?P<post>副?(?:组长|班长|队长)|队员)")
DEPARTMENT = re.compile(rf"[{HAN}]+?(?:部|办|股|科|处|室|组|队|站|所|中心)")
NOT_DEPARTMENT_START = re.compile(r"原|时任|前|现任|副|常务|分管|主管|专职")
# 公司原党委|书记: the party organ of an organisation belongs to the post, and so does a township's,
# a community's and a development zone's, as the corpus writes them (金桥镇|党委副书记, 福安社区|党委书记,
# 高新区|党工委书记); of a larger territory (广西壮族自治区党委|副书记) it is the unit.
PARTY_ORGAN_IN_TITLE = re.compile(r"(?:(?<![省市县区州盟旗])|(?<=社区)|(?<=开发区)|(?<=新区)|(?<=园区))(?:党委|党组|党工委|(?<![纪党])工委|党支部|党总支|纪委)$")
# so do these organs, and a unit never ends inside one (落霞村|村务监督委员会主任, 龙湖苑小区|业主委员会主任)
ORGAN_IN_TITLE = re.compile(r"村务监督委员会|业主委员会|村委会|居委会|监委会|监事会|董事会")
# An organ with no organisation named before it belongs to the post, as the gold writes it:
# 乡党委书记, 监事会主席, 驻局纪检监察组组长, 外部董事, 村党支部书记, 区委常委 (a party committee named
# by its level alone; 青沅县委 names one, and stays the unit).
ORGAN_ONLY = re.compile(r"(?:(?:[省市县区乡镇村]|社区|街道)?(?:党委|党组|党工委|(?<![纪党])工委|党支部|党总支|支部|支委|纪委|纪工委|监事会|董事会|村委会|监委会|业主委员会|工会)|[省市县区乡镇村]委"
                        r"|驻[局委厅村院校办所]|外部|内部)")
# words that name a kind of organisation, not one: the gold keeps them in the post (社区书记, 街道党工委书记;
# 12 train mentions, none as the unit; but 集团 and 公司 stand as the unit in 25 and open the post in 5)
GENERIC_UNIT = re.compile(r"街道|社区|局|理事会|村")
# a department, or a territory's party committee, after 原: the person's former post (原人事股股长, 原区委书记)
FORMER_DEPARTMENT = re.compile(rf"[{HAN}]{{0,4}}(?:科|股|室|处|部|司|支行|大队|中队|办事处|办|所|站)|[省市县区镇乡]委|[镇乡]")
UNIT_KINDS = {"government", "organization", "company"}  # NER types that can be a unit
# 李明(涉嫌)在担任县国土资源局局长期间: the post a 通报 gives a person by the term they held it
TERM_OF_OFFICE = re.compile(rf"(?:涉嫌)?在(?:担任|任)(?P<post>[{HAN}、]{{2,40}}?)期间")
WORD_AFTER_NAME = 50  # jieba frequency from which two characters after a name read as the next word (虚报)
COMMON_WORD = 5000    # and from which a "given name" is an ordinary word (银行)
# A two-character "name" this frequent is a word (农村, 任职); 4 of the corpus's 738 two-character
# names are (阳光, 柏林, 冷静, 向东).
COMMON_TWO_CHARACTER_WORD = 1000
# Function words that never open a given name in the corpus's 2,568 three-character names: after a
# post they begin the sentence's next words (几位班子成员都私下…, 科长来看了…).
NOT_GIVEN_NAME_START = set("没私看都了的是在也就还被把对让给两")  # 护士长满|两年
# 任 is a surname, but after these it is the verb's (会议同意提任|汪浩, 拟任, 担任, 调任)
VERB_BEFORE_REN = set("提拟担转升兼调出聘继现曾新改留委主责信前离就到")
# surnames that open common words far more often than names: the word is no name (全程, 全员, 商定, 商量,
# 应当, 连夜, 言明, 锁定, 宿舍, 岩石, 妥善, 把握, 呼吁, 折合, 同意)
WORD_SURNAMES = set("全商应连言锁宿岩妥把呼折同")
# 把, a Hui surname (把建忠), far more often marks a verb's object (局长把材料退回): a name only as three
# characters, the given name no common word (会计把签字表), closed by what follows (把建忠在…, 把建忠，)
OBJECT_MARKER_SURNAMES = set("把")
# surnames, but far more often the word before or inside a post (支队长, 支委, 部门工作人员), a conjunction,
# or the word after a post (站长位子上)
NOT_NAME_START = set("原时前副党区和都位支门")


def _spaced(words: str) -> str:
    """Alternatives whose characters may be spread apart by spaces, as a 纪要 aligns its headings (主　　持：)."""
    return "|".join("[ \u3000]*".join(word) for word in words.split("|"))


# The head of a list of people: attendance (出席：, 出席董事：, 记录：党政办 赖芳), registration
# (登记人：, 承办人：; not a 来访登记： heading) and the signatures of a joint letter (联名人：, 反映人：, and at the
# letter's end 柳庄村村民：, 第三管理区职工：, 业主代表：), whose people are petitioners. A list runs to the end of
# its line, or over the following lines when the head ends one.
ROSTER = re.compile(r"(?:" + _spaced("出席|列席|参加|参会|缺席|请假|主持|记录整理|记录|到会|与会|接待|承办|经办|拟稿|核稿") + r"|登记(?=[ \u3000]*[人员])|支委签字|签字|谈话对象"
                    r"|(?<!被)(?P<petitioners>联名|反映人|举报人|信访人|申请人"
                    r"|(?P<signers>(?m:^)[^\n：:。，！？]{0,24}?(?:村民|居民|住户|职工|工人|教师|家长|业主|牧户|农户|群众)(?:和[^\n：:、，]{1,3})?(?:代表)?)))"
                    r"(?:[ \u3000]*(?:人员|人|员|董事|委员|职工|代表|村民|教师|业主|群众|居民|住户|农户|党员))?(?:（[^（）\n]{1,6}）)?[ \u3000]*[:：】]")
# a line of an attendance list that goes on from the line above: a name, a space or bracket, no field of its own
ATTENDANCE_NOTE = re.compile(r"参会|请假|出差|缺席|发言")  # 马骏（视频参会）: a note, no unit
# a signer's village or township (刘玉华（永丰村）); a department after the name stays the unit (丘德兵 财务科)
RESIDENCE = re.compile(r"(?:村|镇|乡|屯|社区|街道|[一二三四五六七八九十\d]+组)$")
SIGNATURE_TAIL = 40  # at most a date line after a letter's signatures
LISTED_PERSON_LINE = re.compile(rf"[ \u3000]*[{HAN}]{{2,4}}[ \u3000（(][^:：】。\n]*$")
# 我是…村村民卢桂芳: the writer's standing (not a post) between 我是 and the name; 我是一名退役军人，叫孙强.
# In an interview record (答：我叫…) the speaker introduces themself but reports nothing.
# 留言人：六旺村村民 韦秀兰 and a message's last line 云湖花苑业主 周敏: the writer's standing before the name
STANDING = r"[^\n：:，。！？]{0,20}?(?:村民|居民|市民|业主|网友|家长|群众|职工)[ \u3000]+"
PETITIONER = re.compile(rf"(?:我叫|本人|我是[^。，\n]{{1,20}}，(?:我)?叫|我是[{HAN}\d]{{0,20}}?(?:村|社区|组)(?P<of>的)(?=[{HAN}]{{2,3}}[，,])"
                        rf"|我是(?:[{HAN}\dA-Za-z]{{0,25}}?(?:村民|居民|住户|租户|商户|个体户|职工|员工|群众|家长|业主|农民|党员|工人))?"
                        rf"|(?<!被)(?:举报|反映|留言|来电|来信|信访|来访)人[:：]\s*(?:{STANDING})?"
                        rf"|(?<!被)(?:来电|来信|信访|来访|反映)人(?=(?:{DOTTED_NAME}|[{HAN}]{{2,3}})[，,])|署名[:：]\s*"
                        rf"|(?P<signed>(?m:^){STANDING}(?=[{HAN}]{{2,3}}[ \u3000]*(?m:$))))"
                        rf"(?P<name>{DOTTED_NAME}|[{HAN}]{{2,3}})")


# A registration form (来访登记表, 12388 受理登记) names the accused in a field and their post in
# another: 被反映人：付长顺 … 单位职务：槐溪县龙潭镇石桥村党支部书记.
ACCUSED_FIELD = re.compile(r"(?:被反映人|被举报人|反映对象|举报对象)(?:姓名|[一二三四五六七八九十\d])?[:：][ \u3000]*")
# a form field that lists several people by number: 被反映人：（1）欧阳德明；（2）李桂生
NUMBERED_ITEM = re.compile(r"[（(][1-9一二三四五六七八九][）)]")
POST_FIELD_HEAD = re.compile(r"(?:(?:工作)?单位(?:及|和)?职务|职务|工作单位)[:：][ \u3000]*")
POST_FIELD = re.compile(POST_FIELD_HEAD.pattern + r"(?P<post>[^\n \u3000，。；]+)")
# A reply to a petition (答复意见书, 告知书) opens by addressing its writer: 章德华同志： … 你于…来信反映
SALUTATION = re.compile(rf"^(?:信访人|来信人|反映人)?(?P<name>[{HAN}]{{2,4}}?)(?:同志|先生|女士|网友)?[:：][ \u3000]*$", re.MULTILINE)
ADDRESSED_PETITIONER = re.compile(r"[你您](?:们)?.{0,12}(?:来信|来访|来电|反映|举报|信访|投诉|留言)")
# 办公室卞晓菲记录, 局办公室周晓记录: who keeps the record, after their office
RECORDER = re.compile(rf"(?:^|(?<=[，,；;。\s]))(?P<unit>[{HAN}]{{0,12}}?(?:办公室|办(?!公)|部|科|室|股|处|中心))(?=[{HAN}]{{2,4}}(?:记录|整理|拟稿))",
                      re.MULTILINE)


def _extends(short: str | None, full: str | None) -> bool:
    """A later mention that writes the same post or organisation in full: a headline's 副局长 against
    the text's 党组成员、副局长, 水务投资集团 against 水务投资集团有限公司, 市供销社 against 潆川市供销社."""
    if not short or not full:
        return False
    return (full.endswith("、" + short) or (full.startswith(short) and full[len(short):] in LEGAL_FORMS)
            or (full.endswith(short) and short[0] in "省市州县区"))


@dataclass
class Mention:
    name: str
    title: str | None
    unit: str | None
    role: str
    start: int
    end: int


class OfficialsExtractor:
    def __init__(self, titles_path, surnames_path, conduct_patterns: list[str], word_frequency: dict[str, int],
                 subject_patterns: list[str] = (), lesson_context: str = "(?!)", name_parts_path=None):
        self.frequency = word_frequency
        self.sanctions = [re.compile(p) for p in subject_patterns]
        self.lesson = re.compile(lesson_context)
        titles = [w for w, tag in read_dictionary(titles_path) if tag == "title"]
        surnames = [w for w, _ in read_dictionary(surnames_path) if w not in NOT_NAME_START]
        self.posts = set(titles)
        post = "|".join(sorted(map(re.escape, titles), key=len, reverse=True))
        parts = [w for w, _ in read_dictionary(name_parts_path)] if name_parts_path else []
        self.name_part = "|".join(sorted(map(re.escape, parts), key=len, reverse=True)) or "(?!)"
        self.han_surname = "|".join(sorted(map(re.escape, surnames), key=len, reverse=True))
        # a name part opens a name as a surname does, for every rule that looks for one
        self.surname = "|".join(sorted(map(re.escape, surnames + parts), key=len, reverse=True))
        # one post: optional 原/时任, optional modifier (分管, a department), a post word; posts are
        # joined by 、 or 兼 (所长兼党支部书记), which never sits inside a modifier
        former = r"(?:原|时任|前|现任)?(?:分管|常务|主管|专职)?"
        modifier = rf"(?:(?!兼)[{HAN}])"
        exact = rf"{former}(?:{post})"                       # 原党组成员
        qualified = rf"{former}{modifier}{{0,16}}?(?:{post})"  # 执行局原局长, 农村公路管理站站长
        generic = rf"{former}{modifier}{{1,6}}{POST_SUFFIX}"  # posts the lexicon lacks
        # tried in this order: the more a chain relies on the lexicon, the more it is trusted
        note = r"(?:（[^（）\n]{1,12}）)?"  # 副主任（正科级）, 副局长（挂职）: a note on the post is part of it
        self.title_chains = [re.compile(rf"{exact}(?:[、兼]{qualified})*{note}"),
                             re.compile(rf"{qualified}(?:[、兼]{qualified})*{note}"),
                             re.compile(rf"(?:{qualified}|{generic})(?:[、兼](?:{qualified}|{generic}))*{note}")]
        self.anchor = re.compile(rf"(?:{post}|{POST_SUFFIX}){note}[ \u3000]?(?=(?:{self.surname})|{DOTTED_NAME})")
        self.paren_title = re.compile(rf"(?P<name>(?:{self.surname})[{HAN}]{{1,2}})（(?P<title>[^（）]{{2,30}}?)）")
        # 刘局长: at the start of a clause, after a word that takes a person as its object, after 的
        # (局里的王副局长) or right after an organisation (城建科刘科长), which is then the unit
        self.post_reference = re.compile(rf"(?:(?<![{HAN}])|(?<=[找问和与说让给向对被叫是请把跟的])|(?<={UNIT_END}))"
                                         rf"(?P<name>(?:{self.surname})(?:{post}))")
        # 邝永康处长, 马志坚局长: a full name with its post after it, as people say it (谈话笔录, letters)
        self.name_then_post = re.compile(rf"(?:(?<![{HAN}])|(?<=[找问和与说让给向对被叫是请把跟的上时后]))"
                                         rf"(?P<name>(?:{self.surname})[{HAN}]{{1,2}}?)(?P<post>(?:{post}))(?![{HAN}]*?[:：])")
        self.conduct = [re.compile(p) for p in conduct_patterns]

    def _name_at(self, text: str, i: int) -> str | None:
        """Surname + 某/某某, else surname + one or two characters (two when the third reads
        as the start of what follows the name), and a ·-joined second part (马木提·吐尔逊). A name
        without a Han surname is two transliterated parts (艾尔肯·吐尔逊) or made of name parts
        (才让多杰), see ``_parts_name``."""
        dotted = re.match(DOTTED_NAME, text[i:])
        if dotted:
            return self._trimmed(text, i, dotted.group())
        parts = self._parts_name(text, i)
        if parts:
            return parts
        match = re.match(rf"(?P<surname>{self.han_surname})(?:某+|[{HAN}]{{1,2}})", text[i:])
        if not match:
            return None
        name = match.group()
        if "某" in name:
            return name
        if any(pattern.match(text, i) for pattern in self.conduct):
            return None  # 主任索要好处费: the "surname" opens a conduct phrase
        if name[0] == "任" and i and text[i - 1] in VERB_BEFORE_REN:
            return None
        if name[0] in WORD_SURNAMES and self.frequency.get(name[:2], 0) >= WORD_AFTER_NAME:
            return None  # 纪委书记全程列席, 全员: a word, not 全 + a given name (but 全玉成)
        if name[0] in OBJECT_MARKER_SURNAMES:
            after = text[i + len(name):i + len(name) + 1]
            if len(name) != 3 or self.frequency.get(name[1:], 0) >= COMMON_TWO_CHARACTER_WORD or (
                    re.match(f"[{HAN}]", after) and after not in NAME_TAIL_STOP):
                return None
        if re.fullmatch(self.han_surname, name):
            return None  # a compound surname alone (欧阳，下周…) names nobody in full
        k = len(match.group("surname"))  # 2 for 欧阳
        if name[k] in NOT_GIVEN_NAME_START:
            return None
        ahead = text[i + k + 1:i + k + 3]  # a word read from the given name's second character (王建|设局)
        rest = text[i + k + 2:i + k + 4]  # and a word after the given name's third (覃爱民|主持, 余建平|反映)
        after = text[i + k + 2:i + k + 3]
        ends_name = ((name[-1] in CONJUNCTIONS and (not re.match(f"[{HAN}]", after) or after in NAME_TAIL_STOP - CONJUNCTIONS))
                     or (name[-1] in NAME_END_BEFORE_PUNCTUATION and not re.match(f"[{HAN}]", after)))
        reads_on = (len(ahead) == 2 and self.frequency.get(ahead, 0) >= WORD_AFTER_NAME
                    and self.frequency.get(rest, 0) < WORD_AFTER_NAME)
        if len(name) == k + 2 and name[-1] in NAME_TAIL_STOP and self.frequency.get(name[k:], 0) >= COMMON_TWO_CHARACTER_WORD:
            return None  # 班子成员谈体会: the surname before a word that a stop character closes
        if len(name) == k + 2 and not ends_name and (name[-1] in NAME_TAIL_STOP or reads_on):
            name = name[:-1]
        if len(name) == 3 and (self.frequency.get(name[1:], 0) > COMMON_WORD or re.search(UNIT_SUFFIX + "$", name)):
            return None  # 长安银行, 长宁街道: a word or a place, not a name
        if name[k:] in self.posts or name in self.posts:
            return None  # 党组书记任组长: the "given name" is a post; 苏木达: the whole "name" is one
        if len(name) == 2 and self.frequency.get(name, 0) > COMMON_TWO_CHARACTER_WORD:
            return None  # 股长农村…, 副科长任职…: a word, not a name
        dotted = re.match(rf"[·•・][{TRANSLITERATED}]{{2,7}}", text[i + len(name):])
        return self._trimmed(text, i, name + dotted.group()) if dotted else name  # 马木提·吐尔逊

    def _trimmed(self, text: str, i: int, name: str) -> str:
        """A ·-joined name without the last characters of its second part that open a common
        word with what follows (吐尔逊再|次 -> 吐尔逊); the part keeps two characters."""
        dot = max(name.rfind(c) for c in "·•・")
        while len(name) - dot > 3 and self.frequency.get(
                name[-1] + text[i + len(name):i + len(name) + 1], 0) >= WORD_AFTER_NAME:
            name = name[:-1]
        return name

    def _parts_name(self, text: str, i: int) -> str | None:
        """Two name parts (索南才让), a Han surname and a part (白乌力吉), or one part that what
        follows closes as a name: no Han character, a stop character (斯琴说) or a word that does not
        read on from the part's last character (斯琴|列席, but 才|让我们)."""
        match = re.match(rf"(?:{self.han_surname})??(?:{self.name_part})(?:{self.name_part})?", text[i:])
        if not match:
            return None
        name = match.group()
        end = i + len(name)
        if (re.fullmatch(self.name_part, name) and re.match(f"[{HAN}]", text[end:end + 1])
                and text[end] not in NAME_TAIL_STOP
                and not (self.frequency.get(text[end:end + 2], 0) >= WORD_AFTER_NAME
                         and self.frequency.get(text[end - 1:end + 1], 0) < WORD_AFTER_NAME
                         and text[end - 1] not in NAME_TAIL_STOP)):
            return None
        return name

    def _title_and_unit(self, text: str, end: int, floor: int = 0) -> tuple[str | None, str | None]:
        """The post chain ending at ``end`` and the organisation written right before it: the
        longest organisation (ending in an organisation suffix, before any 、) that leaves a post
        chain, the chains trusted most tried first."""
        start = end
        while start > floor and re.match(rf"[{HAN}、（）]", text[start - 1]) and end - start < 50:
            start -= 1
        phrase = re.split(STOP_BEFORE_UNIT, text[start:end])[-1].lstrip("、")
        closed, opened = phrase.find("）"), phrase.rfind("（")
        if closed >= 0 and "（" not in phrase[:closed]:
            phrase = phrase[closed + 1:]  # （村党总支书记刘振渠）和合作社会计|刘春茂: after the bracket
        elif opened >= 0 and "）" not in phrase[opened:] and any(
                self._is_post(phrase[max(0, opened - k):opened]) for k in range(2, 7)):
            phrase = phrase[opened + 1:]  # 朱书记（村党总支书记|朱立伟）: a post, then the full one in brackets
        if phrase[:1] in ("和", "与", "及") and self.frequency.get(phrase[:2], 0) < COMMON_WORD:
            phrase = phrase[1:]  # 召集我和客户经理苏振华 (but 和平区)
        phrase = re.sub(r"^[所下]属", "", phrase)  # 该局|所属鹭州市气象局 (but 集团下属置业公司 is one unit, as written)
        joined = re.fullmatch(rf"(?P<first>[{HAN}、]+?)[和与及](?P<post>[{HAN}]+)", phrase)
        if joined and self._is_post(joined["post"]):
            first_title, first_unit = self._title_and_unit(joined["first"], len(joined["first"]))
            if first_title:  # 县教育局局长和副局长|刘东升: the first post is someone else's, its unit shared
                title, unit = self._title_and_unit(joined["post"], len(joined["post"]))
                return title, unit or first_unit
        organ = {cut for m in ORGAN_IN_TITLE.finditer(phrase) for cut in range(m.start() + 1, m.end() + 1)}
        # a unit ends after an organisation suffix, not inside a word (公司区|域经理) unless a post
        # starts there (实验中学|校长)
        heads = [cut for cut in range(len(phrase)) if cut == 0 or (
            cut >= 2 and not re.search("[、兼]", phrase[:cut]) and cut not in organ and re.search(UNIT_SUFFIX + "$", phrase[:cut])
            and not PARTY_ORGAN_IN_TITLE.search(phrase[:cut])
            and (self.frequency.get(phrase[cut - 1:cut + 1], 0) < COMMON_WORD or phrase[cut:cut + 2] in self.posts))]
        for cut in [c for c in reversed(heads) if c] + [0]:
            for chain in self.title_chains:
                if chain.fullmatch(phrase[cut:]):
                    return self._former_to_title(phrase[:cut].lstrip("和与及"), phrase[cut:])
        return None, None

    @staticmethod
    def _former_to_title(unit: str, title: str) -> tuple[str, str | None]:
        """(title, unit) with what belongs to the post moved into it: 时任, and 原 with the
        department after it (雁岭县房屋征收服务中心 + 原征收科科长; but 山西省原粮食局 and
        原中国银行业监督管理委员会 name a former organisation, as the CCDI writes them), and an organ
        or a bare generic word that names no organisation (乡党委书记, 社区书记, 街道党工委书记)."""
        for former in re.finditer(r"原|时任", unit):
            inner = unit[former.end():]
            if (former.start() == 0 or re.search(UNIT_SUFFIX + "$", unit[:former.start()])) and (
                    former.group() == "时任" or len(inner) <= 1 or FORMER_DEPARTMENT.fullmatch(inner)):
                unit, title = unit[:former.start()], unit[former.start():] + title
                break
        if unit and (ORGAN_ONLY.fullmatch(unit) or GENERIC_UNIT.fullmatch(unit)):
            unit, title = "", unit + title
        return title, unit or None

    def _serves_as(self, text: str, i: int) -> bool:
        """Whether the surname 任 at ``i`` is the verb 'serves as', a post right after it (任党组书记)."""
        return text[i] == "任" and any(chain.match(text, i + 1) for chain in self.title_chains)

    def _is_post(self, words: str) -> bool:
        return any(chain.fullmatch(words) for chain in self.title_chains)

    def _self_description(self, text: str, end: int) -> tuple[str | None, str | None]:
        """The post a writer gives after their name: 我叫奚明，男，41岁，是宁渠县…第三中队的协管员;
        来电人：俞海峰，燕北建工集团有限公司区域经理."""
        clause = re.match(r"[^。\n]{0,80}", text[end:]).group()
        for segment in clause.split("，")[1:6]:
            segment = re.sub(r"^(?:是|系|现任|现为|在)", "", segment)
            described = re.fullmatch(rf"(?P<unit>[{HAN}]{{2,30}}?)(?:的一名|的|一名)(?P<title>[{HAN}]{{2,12}})", segment)
            if described and re.search(UNIT_SUFFIX + "$", described.group("unit")) and self._is_post(described.group("title")):
                return described.group("title"), described.group("unit")
            if re.fullmatch(rf"[{HAN}、]+", segment):
                title, unit = self._title_and_unit(segment, len(segment))
                if title:
                    return title, unit
        return None, None

    def _is_subject(self, text: str, name: str, flagged: list[tuple[int, int]], alleged: bool) -> bool:
        """Whether the person is pseudonymised in a document alleging misconduct (王某某), or a
        sentence naming them describes conduct (in such a document), a sanction, or carries a
        meeting flag."""
        lesson = bool(self.lesson.search(text))
        if alleged and not lesson and "某" in name:
            return True  # a document that alleges misconduct hides the names of those it accuses
        for sentence in re.finditer(r"[^。！？\n]+", text):
            if name in sentence.group():
                if alleged and any(p.search(sentence.group()) for p in self.conduct):
                    return True
                if not lesson and any(p.search(sentence.group()) for p in self.sanctions):
                    return True
                if any(s < sentence.end() and sentence.start() < e for s, e in flagged):
                    return True
        return False

    def _list_item(self, text: str, start: int, end: int) -> Mention | None:
        """One person of a list: 赖芳, 党政办 赖芳, 康志文 内科主任, 丘德兵 财务科, 杭立军（市住建局）,
        第三组　王德明, 麻春生等11户, 办公室隋蕾. The name starts the item, follows its first space,
        or ends it right after a unit."""
        item = text[start:end]
        starts = [0] + [m.end() for m in re.finditer(r"[ \u3000]+", item)][:1]
        glued = [m.end() for m in re.finditer(UNIT_SUFFIX, item) if m.end() >= 2][::-1]
        for offset in starts + glued:
            name = self._name_at(text, start + offset)
            if not name or self._is_post(name) or re.search(POST_SUFFIX + "$", item[:offset + 1]):
                continue  # 党委书记、董事长 韦正林: 董事长 opens with a surname but is the post; 科|长孙雯: 长 ends 科长
            rest = item[offset + len(name):]
            if (rest and not re.match(r"[ \u3000（(等）)]|同志", rest)) or (offset in glued and offset not in starts and rest):
                continue
            before = item[:offset].strip() or None
            after = re.sub(r"^[ \u3000（(]+|[）)]$", "", rest).split("，")[0] if rest[:1] in " \u3000（(" else ""
            if after[:1] in ("及", "和", "与") or ATTENDANCE_NOTE.search(after):
                after = ""  # 贺春林 及审计科、设备科负责人: the next item; 马骏（视频参会）: how they attend
            title = after if after and self._is_post(after) else None
            unit = next((u for u in (before, None if title else after) if u and re.search(UNIT_SUFFIX + "$", u)), None)
            return Mention(name, title, unit, "mentioned", start + offset, start + offset + len(name))
        return None

    def _items(self, text: str, start: int, stop: int) -> list[re.Match]:
        """The items of a list line: split at 、，；, and at spaces too when every word between
        them reads whole as a name, a note in brackets aside (联名人：邹德明 邹桂兰 邹海生 等37人;
        哈力克·艾山　张玉兰　吾斯曼·托乎提（其余十四户签名附后）)."""
        line = text[start:stop]
        words = [w for w in re.finditer(r"[^ \u3000]+", line)
                 if not re.fullmatch(r"等[\d一二三四五六七八九十百余多几]*[人户名位]?", w.group())]
        if len(words) >= 3 and all(self._name_at(text, start + w.start()) == re.sub(r"[（(][^（）()]*[）)]$", "", w.group())
                                   for w in words):
            return words
        return list(re.finditer(r"(?:[^、，,；;。\n（(]|[（(][^）)\n]*[）)])+", line))

    def _rosters_and_lists(self, text: str, found: dict, add) -> None:
        """People in attendance lists and signature lists, and names listed after a titled one
        (副局长 葛春燕、罗天明: both 副局长)."""
        for roster in ROSTER.finditer(text):
            role = "petitioner" if roster.group("petitioners") else "mentioned"
            line_end = text.find("\n", roster.end())
            line_end = len(text) if line_end < 0 else line_end
            if roster.group("signers") and len(text) - line_end > SIGNATURE_TAIL:
                continue  # 村民代表：… inside a text is a speaker or attendance, not the letter's signatures
            if text[roster.end():line_end].strip():
                # the list on the head's line ends with its sentence, or goes on over the lines below
                # that hold one person each (【出　　席】 马玉兰　镇长 / 　　　　　喇文军　副镇长)
                sentence_end = text.find("。", roster.end(), line_end)
                lines = [(roster.end(), line_end if sentence_end < 0 else sentence_end)]
                cursor = line_end + 1
                for line in text[cursor:].split("\n") if sentence_end < 0 else ():
                    if not LISTED_PERSON_LINE.match(line):
                        break
                    lines.append((cursor, cursor + len(line)))
                    cursor += len(line) + 1
            else:  # the list is on the lines below, one person per line, to the first blank line
                lines, cursor = [], line_end + 1
                for line in text[cursor:].split("\n"):
                    if not line.strip():
                        break
                    lines.append((cursor, cursor + len(line)))
                    cursor += len(line) + 1
            for line_start, stop in lines:
                previous = None
                for item in self._items(text, line_start, stop):
                    lead = len(item.group()) - len(item.group().lstrip())
                    mention = self._list_item(text, line_start + item.start() + lead, line_start + item.end())
                    if mention is None:
                        if (previous and previous.title and text[line_start + item.start() - 1] == "、"
                                and text[previous.end:line_start + item.start() - 1].strip() == previous.title
                                and self._is_post(item.group())):
                            previous.title += "、" + item.group()  # 马玉兰　镇党委副书记、镇长: one person's posts
                        continue
                    mention.role = role
                    if role == "petitioner" and not mention.title and mention.unit and (
                            RESIDENCE.search(mention.unit) or mention.unit in text[line_start:mention.start]):
                        mention.unit = None  # 东岗村 庞玉海, 刘玉华（永丰村）: where a signer lives, no post's unit
                    add(mention)
                    previous = mention
        for mention in list(found.values()):
            cursor = mention.end
            while mention.title and text[cursor:cursor + 1] == "、":
                name = self._name_at(text, cursor + 1)
                if not name or (name in found and found[name].title) or self._opens_post(text, cursor + 1, found):
                    break
                add(Mention(name, mention.title, mention.unit, mention.role, cursor + 1, cursor + 1 + len(name)))
                cursor += 1 + len(name)

    def _opens_post(self, text: str, start: int, found: dict) -> bool:
        """Whether ``start`` opens the unit or post of a person named later (副局长钱伟、|纪检监察组组长吴静)."""
        for mention in found.values():
            if start < mention.start <= start + 40:
                title, unit = self._title_and_unit(text, mention.start, floor=start)
                if title and (unit or "") + title == text[start:mention.start]:
                    return True
        return False

    def _appositions(self, text: str, add) -> None:
        """A name that opens a line, sentence or numbered item with its post in apposition after
        a comma (LABELING.md: 张某某，禾丰区住房和城乡建设局党组成员、副局长; 谈话对象：姚景岚，…副局长)."""
        for opening in re.finditer(r"(?:^|(?<=[。：:；;])|(?<=^[一二三四五六七八九十\d]、)|(?<=^\d\.))[ \u3000]*",
                                   text, re.MULTILINE):
            name = self._name_at(text, opening.end())
            end = opening.end() + len(name or "")
            if name and text[end:end + 1] == "，":
                title, unit = self._self_description(text, end)
                if title:
                    add(Mention(name, title, unit, "mentioned", opening.end(), end))

    def _form_fields(self, text: str, add) -> None:
        """The accused of a registration form, with the post its 单位职务 field (on one of the next
        two lines) or the rest of its own line gives."""
        for field in ACCUSED_FIELD.finditer(text):
            if NUMBERED_ITEM.match(text, field.end()):
                self._numbered_form_fields(text, field.end(), add)
                continue
            value = re.match(rf"[{HAN}]{{2,4}}(?=[\s，,（(]|$)", text[field.end():])  # the field holds the name alone
            name = value.group() if value and re.match(self.surname, value.group()) else self._name_at(text, field.end())
            if not name or (not value and re.match(f"[{HAN}]{{2}}", text[field.end() + len(name):])):
                continue  # 被反映人：荣盛石材有限公司 names a firm
            end = field.end() + len(name)
            following = "\n".join(text[end:].split("\n")[:3])
            post = POST_FIELD.search(following)
            if post:
                title, unit = self._title_and_unit(post["post"], len(post["post"]))
            else:
                title, unit = self._self_description(text, end)
            add(Mention(name, title, unit, "mentioned", field.end(), end))

    def _numbered_form_fields(self, text: str, start: int, add) -> None:
        """被反映人：（1）欧阳德明；（2）李桂生 with 单位职务：（1）…组长；（2）…村委会主任 on one of the next
        two lines: the k-th person takes the k-th post (a bracketed note after it left out)."""
        line_end = text.find("\n", start)
        line_end = len(text) if line_end < 0 else line_end
        people = [(m.end(), self._name_at(text, m.end())) for m in NUMBERED_ITEM.finditer(text, start, line_end)]
        following = "\n".join(text[line_end:].split("\n")[:3])
        head = POST_FIELD_HEAD.search(following)
        posts = []
        if head:
            post_line = following[head.end():].split("\n")[0]
            posts = [re.sub(r"（[^（）]*）$", "", item.strip(" \u3000；;，,。"))
                     for item in NUMBERED_ITEM.split(post_line)[1:]]
        for k, (offset, name) in enumerate(people):
            if not name:
                continue
            title, unit = self._title_and_unit(posts[k], len(posts[k])) if k < len(posts) and posts[k] else (None, None)
            add(Mention(name, title, unit, "mentioned", offset, offset + len(name)))

    def _names_before_posts(self, text: str, add) -> None:
        """A name the rules read whole, followed by its post (吕建波副处长提出…)."""
        for match in self.name_then_post.finditer(text):
            name = match.group("name")
            if (self._name_at(text, match.start("name")) != name or self.frequency.get(name, 0) >= WORD_AFTER_NAME
                    or self.frequency.get(name[:2], 0) >= WORD_AFTER_NAME or self.frequency.get(name[1:], 0) >= WORD_AFTER_NAME
                    or re.search("[副总正常代]", name) or self._serves_as(text, match.start("name"))
                    or (len(name) == 2 and name in self.frequency)):
                continue  # 成立由|党组书记, 王副|局长, 公客户|经理, 任|党组书记, 应到|董事: no name
            add(Mention(name, match.group("post"), None, "mentioned", match.start("name"), match.end("name")))

    def _reply_addressee(self, text: str, add) -> None:
        """The writer a reply to a petition addresses (章德华同志： … 你于…来信反映) is its petitioner."""
        if not ADDRESSED_PETITIONER.search(text):
            return
        for line in SALUTATION.finditer(text):
            name = self._name_at(text, line.start("name"))
            if name == line["name"]:
                add(Mention(name, None, None, "petitioner", line.start("name"), line.end("name")))

    def _comrades(self, text: str, add) -> None:
        """A name right before 同志 (庞少云同志任指挥中心副主任): official text calls only people so."""
        for comrade in re.finditer("同志", text):
            for length in (3, 2):
                start = comrade.start() - length
                three = text[start:comrade.start()]
                if (length == 3 and self.frequency.get(text[start - 1:start + 1], 0) >= WORD_AFTER_NAME
                        and text.count(three) == text.count(text[start - 1] + three)):
                    continue  # 责成|庞宇同志: the first character closes the word before the name (not 规定|向云飞同志, 向云飞 said alone too)
                if start >= 0 and self._name_at(text, start) == text[start:comrade.start()]:
                    add(Mention(text[start:comrade.start()], None, None, "mentioned", start, comrade.start()))
                    break

    def _terms_of_office(self, text: str, add) -> None:
        """A name right before 在担任…期间, with the post and unit held then."""
        for term in TERM_OF_OFFICE.finditer(text):
            title, unit = self._title_and_unit(term.group("post"), len(term.group("post")))
            for length in (3, 2):
                start = term.start() - length
                if title and start >= 0 and self._name_at(text, start) == text[start:term.start()]:
                    add(Mention(text[start:term.start()], title, unit, "mentioned", start, term.start()))
                    break

    def _appointments(self, text: str, add) -> None:
        """People a decision appoints (任命周晓东为县水利局副局长，李明为…), named with no post: the
        post they are given is not written with the name (LABELING.md), as for 庞少云同志任….
        Candidates (提名…人选) are left to the other rules."""
        for decision in re.finditer("任命", text):
            cursor = decision.end()
            while True:
                name = self._name_at(text, cursor)
                post = name and re.match(r"(?:同志)?为(?P<post>[^，。；;\n]{2,40})", text[cursor + len(name):])
                if not post or post["post"].endswith("人选") or self._title_and_unit(post["post"], len(post["post"]))[0] is None:
                    break
                add(Mention(name, None, None, "mentioned", cursor, cursor + len(name)))
                cursor += len(name) + post.end()
                if text[cursor:cursor + 1] not in ("，", "、", "；"):
                    break
                cursor += 1

    def _recorders(self, text: str, add) -> None:
        """The clerk a minutes names with their office, right before 记录 (办公室卞晓菲记录)."""
        for match in RECORDER.finditer(text):
            name = self._name_at(text, match.end())
            if name and text.startswith(("记录", "整理", "拟稿"), match.end() + len(name)):
                add(Mention(name, None, match.group("unit"), "mentioned", match.end(), match.end() + len(name)))

    def _speakers(self, text: str, add) -> None:
        """Who speaks in a verbatim record: a line that opens with a name (after its unit) and a
        colon, 陆婉仪：… or 运输管理科 尹浩：…; a common word (明确：) or a role (来电人：) is no name."""
        for line in SPEAKER.finditer(text):
            who = line.group("who")
            if (self._name_at(text, line.start("who")) != who or self.frequency.get(who, 0) >= WORD_AFTER_NAME
                    or who[-1] in "人员"):  # 来电人：, 联络员：
                continue
            if re.search(r"(?:党员|村民|群众|居民|组代表|村民代表)$", line.group("unit") or ""):
                continue  # 一组代表 陈月娥：, 党员 韦晴：: people who hold no post
            unit = line.group("unit") if line.group("unit") and re.search(UNIT_SUFFIX + "$", line.group("unit")) else None
            add(Mention(who, None, unit, "mentioned", line.start("who"), line.end("who")))

    def _with_entities(self, text: str, entities: list[tuple[int, int, str]], found: dict, add) -> None:
        """What the NER model adds to the rules: a person it finds with a post right before the
        name (or in brackets right after it) that the lexicon does not know, and the organisation
        written right before a post for a mention the rules left without a unit."""
        at_end = {end: (start, kind) for start, end, kind in entities}
        taken = [(m.start, m.end) for m in found.values()]
        for start, end, kind in entities:
            end = start + len(re.match(rf"[{HAN}·]*", text[start:end]).group())  # 卢思琪|\n: a name is Han characters
            if kind != "name" or any(s < end and start < e for s, e in taken):
                continue
            surname = re.match(rf"(?:{self.surname})", text[start:end])
            if not surname or not 2 <= end - start <= 4 or re.fullmatch(UNIT_SUFFIX, text[start:end]) or (
                    len(surname.group()) == 1 and self.frequency.get(text[start:start + 2], 0) > COMMON_TWO_CHARACTER_WORD):
                continue  # 平时管: a word, not a name (8 of the 3,769 corpus and CCDI gold names open with such a word); 苏木: a unit word
            ruled = self._name_at(text, start)
            if ruled and len(ruled) < end - start and text[start + len(ruled)] in NAME_TAIL_STOP:
                end = start + len(ruled)  # 欧阳靖|让
            name = text[start:end]
            if name in self.posts:
                continue  # 党委副书记、苏木达: a post the lexicon knows, read as a name
            title_end = start - (1 if start and text[start - 1] in " \u3000" else 0)
            post = at_end.get(title_end)
            title_start = post[0] if post and post[1] == "position" else None
            if title_start is None and text[end:end + 1] == "（":
                after = next((e for s, e, k in entities if s == end + 1 and k == "position"), None)
                if after and text[after:after + 1] == "）":
                    add(Mention(name, text[end + 1:after], None, "mentioned", start, end))
                continue
            if title_start is None:
                continue
            organisation = at_end.get(title_start)
            unit = text[organisation[0]:title_start] if organisation and organisation[1] in UNIT_KINDS else None
            add(Mention(name, text[title_start:title_end], unit, "mentioned", start, end))
        for mention in found.values():
            if mention.title and not mention.unit and mention.role != "petitioner":
                title_start = mention.start - len(mention.title) - (1 if text[mention.start - 1] in " \u3000" else 0)
                organisation = at_end.get(title_start)
                if organisation and organisation[1] in UNIT_KINDS and text[title_start:mention.start].strip() == mention.title:
                    mention.unit = text[organisation[0]:title_start]

    def _department_to_unit(self, text: str, mention: Mention) -> None:
        """Move a department that opens the title to the end of the unit when the two are written
        together: 市纪委监委 + 派驻第六纪检监察组 + 组长; a discipline group, a section, an office or a
        team is the unit on its own (驻局纪检监察组 + 组长, 韩刚（能源股 + 股长）, 炉前班 + 班长)."""
        title = mention.title or ""
        group = DISCIPLINE_GROUP.fullmatch(title) or SECTION_HEAD.fullmatch(title) or TEAM_HEAD.fullmatch(title)
        if group and not mention.unit and not NOT_DEPARTMENT_START.match(title):
            mention.unit, mention.title = group.group("group"), group.group("post")
            return
        if not mention.unit or "、" in title or NOT_DEPARTMENT_START.match(title) or mention.unit + title not in text:
            return
        for cut in range(2, len(title) - 1):
            department, post = title[:cut], title[cut:]
            if post not in self.posts and any(title[a:b] in self.posts for a in range(cut) for b in range(cut + 1, len(title) + 1)):
                continue  # 党委组|织委员: the cut would split the post 组织委员 (not 纪检监察组|组长)
            if DEPARTMENT.fullmatch(department) and self._is_post(post):
                if not (ORGAN_ONLY.fullmatch(department) or PARTY_ORGAN_IN_TITLE.search(department)):
                    mention.unit, mention.title = mention.unit + department, post
                return

    def _whole_names(self, text: str, found: dict) -> None:
        """Two-character names read in full: completed when every occurrence in the text goes on
        with the same character (蒋立|成说, but 蒋立成 everywhere), dropped when they are the given
        name of a listed person (我和卫东同志 for 罗卫东)."""
        for name in [n for n in found if len(n) == 2 and "某" not in n]:
            following = [text[m.end():m.end() + 1] for m in re.finditer(name, text)]
            third = following[0]
            if (len(following) >= 2 and set(following) == {third} and re.match(f"[{HAN}]", third)
                    and third not in NAME_TAIL_STOP and name + third not in found
                    and self.frequency.get(name[1] + third, 0) < COMMON_WORD):
                mention = found.pop(name)
                mention.name, mention.end = name + third, mention.end + 1
                found[mention.name] = mention
        for name in [n for n, m in found.items() if len(n) == 2 and not m.title]:
            if any(len(other) == 3 and other.endswith(name) for other in found):
                del found[name]

    def extract(self, text: str, labels: list[str] | None = None, flagged: list[tuple[int, int]] | None = None,
                entities: list[tuple[int, int, str]] | None = None) -> list[Mention]:
        """Officials and petitioners; ``labels`` and ``flagged`` (evidence spans) decide who is a
        subject: nobody is, in a document that alleges nothing. ``entities`` (start, end, type)
        from the NER model add what the rules miss."""
        labels = [label for label in (labels or []) if label != "out_of_scope"]
        found: dict[str, Mention] = {}

        def add(mention: Mention) -> None:
            known = found.get(mention.name)
            if known is None:
                found[mention.name] = mention
            else:
                known.title = mention.title if _extends(known.title, mention.title) else known.title or mention.title
                known.unit = mention.unit if _extends(known.unit, mention.unit) else known.unit or mention.unit
                if mention.role == "petitioner" or (mention.role == "subject" and known.role == "mentioned"):
                    known.role = mention.role

        for match in PETITIONER.finditer(text):
            name = match.group("name")
            if match.group("signed") and len(text) - match.end() > SIGNATURE_TAIL:
                continue  # a standing and a name on a line of their own sign a letter only at its end
            if re.match(rf"(?:{self.surname})|{DOTTED_NAME}", name):
                read = self._name_at(text, match.start("name"))
                if read is None and re.search(UNIT_SUFFIX + "$", name):
                    continue  # 我是高台镇前屯村的…: a place, no name
                if match.group("of") and (read is None or self.frequency.get(read, 0) >= WORD_AFTER_NAME):
                    continue  # 我是德吉村的牧民: a word, no name
                if read is None and not re.search("[:：]", match.group()[:match.start("name") - match.start()]) \
                        and "人" == text[match.start("name") - 1]:
                    continue  # 已向来访人解释: a visitor named without a colon must read as a name
                name = read or name
                after = text[match.start("name") + len(name):match.start("name") + len(name) + 1]
                if match.start("name") == match.start() + 2 and match.group().startswith("我是") \
                        and re.match(f"[{HAN}]", after) and (after == "的" or after not in NAME_TAIL_STOP):
                    continue  # 我是贺源县农业农村局的…, 我是管财务的: a unit or a description goes on, no name
                title, unit = self._self_description(text, match.start("name") + len(name))
                role = "mentioned" if text[max(0, match.start() - 2):match.start()] == "答：" else "petitioner"
                add(Mention(name, title, unit, role, match.start("name"), match.start("name") + len(name)))
        floor = 0  # a post's phrase never reaches back past the previous name
        for match in self.anchor.finditer(text):
            name_start = match.end()
            name = self._name_at(text, name_start)
            if not name or self._serves_as(text, name_start):
                continue  # 王副局长任党组书记: no name
            title_end = match.end() - (1 if text[match.end() - 1] in " \u3000" else 0)
            if any(text[title_end - k:title_end + 1] in self.posts for k in (2, 3, 4)):
                continue  # the "surname" ends the post: 总会计|师认为
            title, unit = self._title_and_unit(text, title_end, floor)
            floor = name_start + len(name)
            if title is None:
                continue
            add(Mention(name, title, unit, "mentioned", name_start, name_start + len(name)))
        self._rosters_and_lists(text, found, add)
        self._speakers(text, add)
        self._recorders(text, add)
        self._comrades(text, add)
        self._appositions(text, add)
        self._terms_of_office(text, add)
        self._appointments(text, add)
        self._form_fields(text, add)
        self._reply_addressee(text, add)
        self._names_before_posts(text, add)
        for match in self.paren_title.finditer(text):
            if not self._is_post(match.group("title")):
                continue
            add(Mention(match.group("name"), match.group("title"), None, "mentioned",
                        match.start("name"), match.end("name")))
        if entities:
            self._with_entities(text, entities, found, add)
        for match in self.post_reference.finditer(text):  # after the NER, whose full names they may refer to
            reference = match.group("name")
            surname = re.match(self.surname, reference).group()
            post = reference[len(surname):]
            if (len(post) > 3 and post[0] in "省市县区乡镇村") or surname in OBJECT_MARKER_SURNAMES:
                continue  # 东方村党支部书记: a place before a post, not 东方 + a post; 把所长秘书…: 把 the verb's
            if reference in self.frequency or self.frequency.get(reference[:2], 0) >= COMMON_WORD:
                continue  # 班主任, 班组长, 公司|长期: a word, not surname + post
            if any(n.startswith(surname) and any(p.endswith(post) for p in re.split("[、兼]", m.title or ""))
                   for n, m in found.items() if n != reference):
                continue
            if len(post) >= 2 and not any(reference in n for n in found):
                unit = None
                if re.match(UNIT_END, text[match.start() - 1:match.start()]):
                    unit = self._title_and_unit(text[:match.start()] + post, match.start() + len(post))[1]
                add(Mention(reference, post, unit, "mentioned", match.start(), match.end()))
        self._whole_names(text, found)
        for mention in found.values():
            if mention.unit and (mention.unit == mention.title or self._is_post(mention.unit) or mention.unit.endswith("的")):
                mention.unit = None  # 出席：政委杜文涛, 主持：党委副书记、政委冼国强 (委 closes units such as 县委): no post is a unit
            self._department_to_unit(text, mention)
        alleged = bool(set(labels or []) - {OUT_OF_SCOPE})
        for mention in found.values():
            if mention.role == "mentioned" and self._is_subject(text, mention.name, flagged or [], alleged):
                mention.role = "subject"
        return sorted(found.values(), key=lambda m: m.start)
